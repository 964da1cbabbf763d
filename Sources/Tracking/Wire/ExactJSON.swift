import Foundation

/// A JSON request body read with every number exact. Linux's `JSONSerialization` rounds some
/// doubles in their last bit (`0.1111111111111111` came back `0.11111111111111109`), so a
/// metric a client logged was not the metric it read back; here each number is read by
/// Swift's `Double(String)`/`Int64(String)`. Values come in `JSONSerialization`'s shapes
/// (`NSNumber`, `[Any]`, `[String: Any]`, `NSNull`, `String`), which the field readers expect.
struct ExactJSON {
    /// Deeper nesting is refused (no MLflow request nests more than a few levels).
    static let maximumDepth = 256

    let bytes: [UInt8]
    var index = 0

    /// The body `bytes` as one JSON value, or nil when it is not JSON (or has trailing bytes).
    static func parse(_ bytes: [UInt8]) -> Any? {
        var reader = ExactJSON(bytes: bytes)
        guard let value = try? reader.value(depth: 0) else { return nil }
        reader.skipWhitespace()
        return reader.index == bytes.count ? value : nil
    }

    /// Malformed JSON, at the byte it was found.
    struct Malformed: Error {}

    mutating func skipWhitespace() {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 { index += 1 }
    }

    mutating func value(depth: Int) throws -> Any {
        skipWhitespace()
        guard depth < Self.maximumDepth, index < bytes.count else { throw Malformed() }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return try string()
        case UInt8(ascii: "t"): try word("true"); return NSNumber(value: true)
        case UInt8(ascii: "f"): try word("false"); return NSNumber(value: false)
        case UInt8(ascii: "n"): try word("null"); return NSNull()
        default: return try number()
        }
    }

    mutating func word(_ text: StaticString) throws {
        let count = text.utf8CodeUnitCount
        guard index + count <= bytes.count, bytes[index..<(index + count)].elementsEqual(UnsafeBufferPointer(start: text.utf8Start, count: count)) else {
            throw Malformed()
        }
        index += count
    }

    mutating func object(depth: Int) throws -> [String: Any] {
        index += 1
        var members: [String: Any] = [:]
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return members }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw Malformed() }
            let key = try string()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw Malformed() }
            index += 1
            members[key] = try value(depth: depth + 1)
            skipWhitespace()
            guard index < bytes.count else { throw Malformed() }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            guard bytes[index] == UInt8(ascii: "}") else { throw Malformed() }
            index += 1
            return members
        }
    }

    mutating func array(depth: Int) throws -> [Any] {
        index += 1
        var items: [Any] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return items }
        while true {
            items.append(try value(depth: depth + 1))
            skipWhitespace()
            guard index < bytes.count else { throw Malformed() }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            guard bytes[index] == UInt8(ascii: "]") else { throw Malformed() }
            index += 1
            return items
        }
    }

    mutating func hex4() throws -> UInt32 {
        guard index + 4 <= bytes.count else { throw Malformed() }
        var scalar: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            switch byte {
            case 48...57: scalar = scalar * 16 + UInt32(byte - 48)
            case 65...70: scalar = scalar * 16 + UInt32(byte - 55)
            case 97...102: scalar = scalar * 16 + UInt32(byte - 87)
            default: throw Malformed()
            }
            index += 1
        }
        return scalar
    }

    /// A string: its escapes decoded; a lone surrogate becomes U+FFFD; invalid UTF-8 is refused.
    mutating func string() throws -> String {
        index += 1
        var out: [UInt8] = []
        while true {
            guard index < bytes.count else { throw Malformed() }
            let byte = bytes[index]
            index += 1
            if byte == UInt8(ascii: "\"") { break }
            guard byte >= 0x20 else { throw Malformed() }
            guard byte == UInt8(ascii: "\\") else { out.append(byte); continue }
            guard index < bytes.count else { throw Malformed() }
            let escape = bytes[index]
            index += 1
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(escape)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if (0xD800...0xDBFF).contains(scalar), index + 6 <= bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") {
                    let resume = index
                    index += 2
                    let low = try hex4()
                    if (0xDC00...0xDFFF).contains(low) { scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00) } else { index = resume }
                }
                out.append(contentsOf: String(Character(Unicode.Scalar(scalar) ?? "\u{FFFD}")).utf8)
            default: throw Malformed()
            }
        }
        guard let text = String(validating: out, as: UTF8.self) else { throw Malformed() }
        return text
    }

    /// A number by JSON's grammar: an integer that fits is an Int64, anything else a finite Double.
    mutating func number() throws -> NSNumber {
        let start = index
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        let digitsStart = index
        while index < bytes.count, (48...57).contains(bytes[index]) { index += 1 }
        guard index > digitsStart, !(bytes[digitsStart] == 48 && index - digitsStart > 1) else { throw Malformed() }
        var integral = true
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            integral = false
            index += 1
            let fraction = index
            while index < bytes.count, (48...57).contains(bytes[index]) { index += 1 }
            guard index > fraction else { throw Malformed() }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            integral = false
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            let exponent = index
            while index < bytes.count, (48...57).contains(bytes[index]) { index += 1 }
            guard index > exponent else { throw Malformed() }
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        if integral, let integer = Int64(text) { return NSNumber(value: integer) }
        guard let double = Double(text), double.isFinite else { throw Malformed() }
        return NSNumber(value: double)
    }
}
