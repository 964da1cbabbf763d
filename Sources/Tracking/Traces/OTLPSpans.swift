import Foundation

/// One span received over OTLP, with what the store indexes and the span itself as
/// OpenTelemetry's JSON (snake_case names, ids in base64), the form MLflow returns it in.
public struct ReceivedSpan: Sendable, Equatable {
    /// MLflow's id of the span's trace: `tr-` and the OTel trace id in hex.
    public let traceID: String
    public let spanID: String
    public let parentSpanID: String?
    public let name: String
    public let startNanos: Int64
    public let endNanos: Int64
    public let statusCode: String
    /// The span as compact JSON text.
    public let content: String
}

/// Decodes an OTLP/HTTP `ExportTraceServiceRequest` (protobuf) into spans.
enum OTLPSpans {
    static let maximumDepth = 16
    static let spanKinds = ["SPAN_KIND_UNSPECIFIED", "SPAN_KIND_INTERNAL", "SPAN_KIND_SERVER", "SPAN_KIND_CLIENT", "SPAN_KIND_PRODUCER", "SPAN_KIND_CONSUMER"]
    static let statusCodes = ["STATUS_CODE_UNSET", "STATUS_CODE_OK", "STATUS_CODE_ERROR"]

    static func decode(_ body: [UInt8]) throws -> [ReceivedSpan] {
        var spans: [ReceivedSpan] = []
        var request = ProtobufReader(body[...])
        while let (field, value) = try request.next() {
            guard field == 1, let resourceSpans = value.rawBytes else { continue }
            var resource = ProtobufReader(resourceSpans)
            while let (field, value) = try resource.next() {
                guard field == 2, let scopeSpans = value.rawBytes else { continue }
                var scope = ProtobufReader(scopeSpans)
                while let (field, value) = try scope.next() {
                    guard field == 2, let span = value.rawBytes else { continue }
                    spans.append(try decodeSpan(span))
                }
            }
        }
        return spans
    }

    static func decodeSpan(_ bytes: ArraySlice<UInt8>) throws -> ReceivedSpan {
        var reader = ProtobufReader(bytes)
        var json: [String: Any] = [:]
        var traceID: [UInt8] = [], spanID: [UInt8] = [], parentID: [UInt8] = []
        var name = "", start: UInt64 = 0, end: UInt64 = 0, statusCode = statusCodes[0]
        var attributes: [[String: Any]] = [], events: [[String: Any]] = [], links: [[String: Any]] = []
        while let (field, value) = try reader.next() {
            switch field {
            case 1: traceID = Array(value.rawBytes ?? [])
            case 2: spanID = Array(value.rawBytes ?? [])
            case 3: json["trace_state"] = try value.text()
            case 4: parentID = Array(value.rawBytes ?? [])
            case 5: name = try value.text()
            case 6: json["kind"] = spanKinds[min(Int(value.integer ?? 0), spanKinds.count - 1)]
            case 7: start = value.integer ?? 0
            case 8: end = value.integer ?? 0
            case 9: attributes.append(try keyValue(value, depth: 0))
            case 10: json["dropped_attributes_count"] = value.integer ?? 0
            case 11: events.append(try event(value))
            case 12: json["dropped_events_count"] = value.integer ?? 0
            case 13: links.append(try link(value))
            case 14: json["dropped_links_count"] = value.integer ?? 0
            case 15:
                var status = ProtobufReader(value.rawBytes ?? [])
                var object: [String: Any] = [:]
                while let (field, value) = try status.next() {
                    if field == 2 { object["message"] = try value.text() }
                    if field == 3 { statusCode = statusCodes[min(Int(value.integer ?? 0), statusCodes.count - 1)] }
                }
                object["code"] = statusCode
                json["status"] = object
            case 16: json["flags"] = value.integer ?? 0
            default: continue
            }
        }
        guard traceID.count == 16, spanID.count == 8 else { throw ProtobufReader.malformed("a span needs a 16-byte trace id and an 8-byte span id") }
        guard start <= UInt64(Int64.max), end <= UInt64(Int64.max) else { throw ProtobufReader.malformed("a span time is out of range") }
        json["trace_id"] = Data(traceID).base64EncodedString()
        json["span_id"] = Data(spanID).base64EncodedString()
        if !parentID.isEmpty { json["parent_span_id"] = Data(parentID).base64EncodedString() }
        json["name"] = name
        json["start_time_unix_nano"] = Int64(start)
        json["end_time_unix_nano"] = Int64(end)
        if !attributes.isEmpty { json["attributes"] = attributes }
        if !events.isEmpty { json["events"] = events }
        if !links.isEmpty { json["links"] = links }
        if json["status"] == nil { json["status"] = ["code": statusCode] }
        let content = String(decoding: try JSONSerialization.data(withJSONObject: json, options: [.withoutEscapingSlashes, .sortedKeys]), as: UTF8.self)
        return ReceivedSpan(traceID: "tr-" + hex(traceID), spanID: hex(spanID), parentSpanID: parentID.isEmpty ? nil : hex(parentID), name: name,
                            startNanos: Int64(start), endNanos: Int64(end), statusCode: statusCode, content: content)
    }

    static func keyValue(_ value: ProtobufReader.Value, depth: Int) throws -> [String: Any] {
        var reader = ProtobufReader(value.rawBytes ?? [])
        var object: [String: Any] = ["key": ""]
        while let (field, value) = try reader.next() {
            if field == 1 { object["key"] = try value.text() }
            if field == 2 { object["value"] = try anyValue(value, depth: depth + 1) }
        }
        return object
    }

    /// OTel's AnyValue: one of string, bool, int, double, array, key-value list or bytes.
    static func anyValue(_ value: ProtobufReader.Value, depth: Int) throws -> [String: Any] {
        guard depth <= maximumDepth else { throw ProtobufReader.malformed("attribute values nest deeper than \(maximumDepth) levels") }
        var reader = ProtobufReader(value.rawBytes ?? [])
        var object: [String: Any] = [:]
        while let (field, value) = try reader.next() {
            switch field {
            case 1: object = ["string_value": try value.text()]
            case 2: object = ["bool_value": (value.integer ?? 0) != 0]
            case 3: object = ["int_value": Int64(bitPattern: value.integer ?? 0)]
            case 4:
                let number = Double(bitPattern: value.integer ?? 0)
                object = ["double_value": number.isFinite ? number as Any : (number.isNaN ? "NaN" : (number > 0 ? "Infinity" : "-Infinity"))]
            case 5:
                var list = ProtobufReader(value.rawBytes ?? [])
                var values: [[String: Any]] = []
                while let (field, item) = try list.next() { if field == 1 { values.append(try anyValue(item, depth: depth + 1)) } }
                object = ["array_value": ["values": values]]
            case 6:
                var list = ProtobufReader(value.rawBytes ?? [])
                var values: [[String: Any]] = []
                while let (field, item) = try list.next() { if field == 1 { values.append(try keyValue(item, depth: depth + 1)) } }
                object = ["kvlist_value": ["values": values]]
            case 7: object = ["bytes_value": Data(value.rawBytes ?? []).base64EncodedString()]
            default: continue
            }
        }
        return object
    }

    static func event(_ value: ProtobufReader.Value) throws -> [String: Any] {
        var reader = ProtobufReader(value.rawBytes ?? [])
        var object: [String: Any] = [:]
        var attributes: [[String: Any]] = []
        while let (field, value) = try reader.next() {
            switch field {
            case 1: object["time_unix_nano"] = Int64(bitPattern: value.integer ?? 0)
            case 2: object["name"] = try value.text()
            case 3: attributes.append(try keyValue(value, depth: 0))
            case 4: object["dropped_attributes_count"] = value.integer ?? 0
            default: continue
            }
        }
        if !attributes.isEmpty { object["attributes"] = attributes }
        return object
    }

    static func link(_ value: ProtobufReader.Value) throws -> [String: Any] {
        var reader = ProtobufReader(value.rawBytes ?? [])
        var object: [String: Any] = [:]
        var attributes: [[String: Any]] = []
        while let (field, value) = try reader.next() {
            switch field {
            case 1: object["trace_id"] = Data(value.rawBytes ?? []).base64EncodedString()
            case 2: object["span_id"] = Data(value.rawBytes ?? []).base64EncodedString()
            case 3: object["trace_state"] = try value.text()
            case 4: attributes.append(try keyValue(value, depth: 0))
            default: continue
            }
        }
        if !attributes.isEmpty { object["attributes"] = attributes }
        return object
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { $0 < 16 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }
}
