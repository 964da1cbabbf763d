/// Reads protobuf's wire format: varints, fixed-width numbers and length-delimited fields,
/// every length checked against what is left, so a hostile body can only be refused.
struct ProtobufReader {
    enum WireType: UInt64 { case varint = 0, fixed64 = 1, lengthDelimited = 2, fixed32 = 5 }

    /// A field as it appeared: its number and its raw value.
    enum Value {
        case varint(UInt64)
        case fixed64(UInt64)
        case fixed32(UInt32)
        case bytes(ArraySlice<UInt8>)
    }

    private var bytes: ArraySlice<UInt8>

    init(_ bytes: ArraySlice<UInt8>) { self.bytes = bytes }

    static func malformed(_ why: String) -> TrackingError { .invalidParameter("Malformed OTLP protobuf body: \(why)") }

    /// The next field, or nil at the end.
    mutating func next() throws -> (Int, Value)? {
        guard !bytes.isEmpty else { return nil }
        let key = try varint()
        let number = Int(truncatingIfNeeded: key >> 3)
        guard number > 0, number < 1 << 29 else { throw Self.malformed("field number \(number)") }
        switch WireType(rawValue: key & 7) {
        case .varint?: return (number, .varint(try varint()))
        case .fixed64?: return (number, .fixed64(try fixed(8)))
        case .fixed32?: return (number, .fixed32(UInt32(truncatingIfNeeded: try fixed(4))))
        case .lengthDelimited?:
            let length = try varint()
            guard length <= UInt64(bytes.count) else { throw Self.malformed("a field is longer than the body") }
            let value = bytes.prefix(Int(length))
            bytes = bytes.dropFirst(Int(length))
            return (number, .bytes(value))
        case nil:
            throw Self.malformed("unsupported wire type \(key & 7)")
        }
    }

    private mutating func varint() throws -> UInt64 {
        var result: UInt64 = 0
        for shift in stride(from: 0, to: 70, by: 7) {
            guard let byte = bytes.first else { throw Self.malformed("a number runs past the end") }
            bytes = bytes.dropFirst()
            guard shift < 64 else { throw Self.malformed("a number is longer than 10 bytes") }
            result |= UInt64(byte & 0x7F) << UInt64(shift)
            if byte & 0x80 == 0 { return result }
        }
        throw Self.malformed("a number is longer than 10 bytes")
    }

    private mutating func fixed(_ width: Int) throws -> UInt64 {
        guard bytes.count >= width else { throw Self.malformed("a fixed-width number runs past the end") }
        var result: UInt64 = 0
        for (index, byte) in bytes.prefix(width).enumerated() { result |= UInt64(byte) << UInt64(8 * index) }
        bytes = bytes.dropFirst(width)
        return result
    }
}

extension ProtobufReader.Value {
    /// The field as UTF-8 text (a `string` field).
    func text() throws -> String {
        guard case .bytes(let raw) = self, let text = String(validating: raw, as: UTF8.self) else {
            throw ProtobufReader.malformed("a string field is not UTF-8")
        }
        return text
    }

    var rawBytes: ArraySlice<UInt8>? { if case .bytes(let raw) = self { raw } else { nil } }
    var integer: UInt64? {
        switch self {
        case .varint(let v), .fixed64(let v): v
        case .fixed32(let v): UInt64(v)
        case .bytes: nil
        }
    }
}
