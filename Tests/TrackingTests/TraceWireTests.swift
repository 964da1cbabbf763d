import Foundation
import Hummingbird
import Identity
import NIOCore
import Testing
@testable import Tracking

/// The pieces of trace ingestion that parse untrusted bytes: protobuf, OTLP spans and
/// protobuf's JSON times; and the sampling of the UI's chart endpoint.
@Suite struct TraceWireTests {
    static func varint(_ value: UInt64) -> [UInt8] {
        var value = value, out: [UInt8] = []
        repeat {
            let byte = UInt8(value & 0x7F)
            value >>= 7
            out.append(byte | (value == 0 ? 0 : 0x80))
        } while value != 0
        return out
    }

    static func field(_ number: UInt64, _ payload: [UInt8]) -> [UInt8] { varint(number << 3 | 2) + varint(UInt64(payload.count)) + payload }
    static func fixed64(_ number: UInt64, _ value: UInt64) -> [UInt8] { varint(number << 3 | 1) + (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }

    static func request(spans: [[UInt8]]) -> [UInt8] { field(1, field(2, spans.flatMap { field(2, $0) })) }

    static func span(trace: [UInt8] = Array(repeating: 0xAB, count: 16), id: [UInt8] = [1, 2, 3, 4, 5, 6, 7, 8], parent: [UInt8]? = nil,
                     name: String = "step", attributes: [[UInt8]] = []) -> [UInt8] {
        field(1, trace) + field(2, id) + (parent.map { field(4, $0) } ?? []) + field(5, Array(name.utf8))
            + fixed64(7, 1_000_000_000) + fixed64(8, 1_031_000_000) + attributes.flatMap { field(9, $0) } + field(15, varint(3 << 3) + varint(2))
    }

    @Test func spansDecodeToOpenTelemetryJSON() throws {
        let attribute = Self.field(1, Array("mlflow.spanInputs".utf8)) + Self.field(2, Self.field(6, Self.field(1, Self.field(1, Array("a".utf8))
            + Self.field(2, Self.varint(3 << 3) + Self.varint(7)))))
        let spans = try OTLPSpans.decode(Self.request(spans: [Self.span(parent: [9, 9, 9, 9, 9, 9, 9, 9], attributes: [attribute])]))
        #expect(spans.count == 1)
        let span = try #require(spans.first)
        #expect(span.traceID == "tr-" + String(repeating: "ab", count: 16))
        #expect(span.spanID == "0102030405060708" && span.parentSpanID == "0909090909090909")
        #expect(span.startNanos == 1_000_000_000 && span.endNanos == 1_031_000_000 && span.statusCode == "STATUS_CODE_ERROR")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(span.content.utf8)) as? [String: Any])
        #expect(json["span_id"] as? String == "AQIDBAUGBwg=")
        let attributes = try #require(json["attributes"] as? [[String: Any]])
        let value = try #require(attributes.first?["value"] as? [String: Any])
        let list = try #require((value["kvlist_value"] as? [String: Any])?["values"] as? [[String: Any]])
        #expect(list.first?["key"] as? String == "a")
        #expect((list.first?["value"] as? [String: Any])?["int_value"] as? Int == 7)
    }

    @Test func hostileProtobufIsRefusedNotCrashed() throws {
        var deep: [UInt8] = Self.varint(1 << 3) + Self.varint(1)
        for _ in 0..<64 { deep = Self.field(6, Self.field(1, Self.field(1, [0x6B]) + Self.field(2, deep))) }
        let hostile: [[UInt8]] = [
            [0x0A, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F],              // a length far past the end
            Array(repeating: 0xFF, count: 11),                   // a varint longer than 10 bytes
            [0x0B],                                              // a wire type protobuf no longer has
            [0x00, 0x01],                                        // field number 0
            Self.request(spans: [Self.span(trace: [1, 2, 3])]),   // a trace id of the wrong size
            Self.request(spans: [Self.span(name: "") + Self.field(5, [0xFF, 0xFE])]),  // a name that is not UTF-8
            Self.request(spans: [Self.span(attributes: [Self.field(1, [0x6B]) + Self.field(2, deep)])]),  // nesting past the limit
        ]
        for body in hostile {
            #expect(throws: TrackingError.self) { _ = try OTLPSpans.decode(body) }
        }
        #expect(try OTLPSpans.decode([]).isEmpty)
    }

    @Test func protobufTimesRoundTripAtMillisecondPrecision() throws {
        #expect(try ProtoTime.milliseconds(fromTimestamp: "2026-11-26T18:11:56.400Z") == 1_795_716_716_400)
        #expect(try ProtoTime.milliseconds(fromTimestamp: "2026-11-26T18:11:56.400123456Z") == 1_795_716_716_400)
        #expect(try ProtoTime.milliseconds(fromTimestamp: "2026-11-26T19:11:56+01:00") == 1_795_716_716_000)
        #expect(ProtoTime.timestamp(fromMilliseconds: 1_795_716_716_400) == "2026-11-26T18:11:56.400Z")
        #expect(try ProtoTime.milliseconds(fromDuration: "0.031s") == 31)
        #expect(try ProtoTime.milliseconds(fromDuration: "12s") == 12_000)
        #expect(ProtoTime.duration(fromMilliseconds: 31) == "0.031s" && ProtoTime.duration(fromMilliseconds: 0) == "0s")
        #expect(ProtoTime.duration(fromMilliseconds: 1_500) == "1.500s")
        for bad in ["yesterday", "", "2026-13-45T99:00:00Z", String(repeating: "9", count: 100)] {
            #expect(throws: TrackingError.self) { _ = try ProtoTime.milliseconds(fromTimestamp: bad) }
        }
        for bad in ["31ms", "s", "1e400s", "nans"] {
            #expect(throws: TrackingError.self) { _ = try ProtoTime.milliseconds(fromDuration: bad) }
        }
    }

    @Test func byteRangesResolveWithinTheFile() throws {
        #expect(try ByteRange("bytes=2-4").resolved(size: 10) == 2...4)
        #expect(try ByteRange("bytes=7-").resolved(size: 10) == 7...9)
        #expect(try ByteRange("bytes=-3").resolved(size: 10) == 7...9)
        #expect(try ByteRange("bytes=5-100").resolved(size: 10) == 5...9)
        #expect(throws: TrackingError.self) { _ = try ByteRange("bytes=20-30").resolved(size: 10) }
        for bad in ["bytes=1-2,4-5", "items=1-2", "bytes=-", "bytes=a-b", "bytes=5-2x"] {
            #expect(throws: TrackingError.self) { _ = try ByteRange(bad).resolved(size: 10) }
        }
    }

    @Test func chartSamplingKeepsTheEndsAndTheLimit() {
        let steps = Array(Int64(0)..<1000)
        let sampled = RunController<EmptyContext>.sample(steps, 10)
        #expect(sampled.count == 10 && sampled.first == 0 && sampled.last == 999)
        #expect(RunController<EmptyContext>.sample([1, 2, 3], 10) == [1, 2, 3])
        #expect(RunController<EmptyContext>.sample([], 10).isEmpty)
    }
}

/// A request context for calling the controllers' static helpers in tests.
struct EmptyContext: TrackingRequestContext {
    var coreContext: CoreRequestContextStorage
    var principal: Identity.Principal?
    var connectionEventLoop: (any EventLoop)? { nil }
    init(source: ApplicationRequestContextSource) { coreContext = .init(source: source) }
}
