import Foundation

/// Writes the API's responses as compact JSON, several times faster than
/// `JSONSerialization` on Linux for the large listings (metric histories, searches).
/// Takes what the wire builders produce: strings, Swift integers and doubles, booleans,
/// `NSNumber`s from parsed JSON, `NSNull`, arrays and string-keyed dictionaries.
enum JSONWriter {
    /// JSON text already written (stored spans), copied through as it is.
    struct RawJSON {
        let text: String
    }

    struct Unsupported: Error { let type: String }

    static func bytes(_ value: Any) throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        try write(value, into: &out)
        return out
    }

    /// Dispatches on the exact type first: a Swift `as?` against a class or a bridged type
    /// would convert whole dictionaries to Foundation objects just to fail.
    static func write(_ value: Any, into out: inout [UInt8]) throws {
        let kind = type(of: value)
        if kind == [String: Any].self, let object = value as? [String: Any] {
            out.append(UInt8(ascii: "{"))
            var first = true
            for (key, item) in object {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                string(key, into: &out)
                out.append(UInt8(ascii: ":"))
                try write(item, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        } else if kind == [[String: Any]].self, let list = value as? [[String: Any]] {
            try array(list, into: &out)
        } else if kind == [Any].self, let list = value as? [Any] {
            try array(list, into: &out)
        } else if kind == [String].self, let list = value as? [String] {
            try array(list, into: &out)
        } else if kind == [String: String].self, let object = value as? [String: String] {
            try write(object as [String: Any], into: &out)
        } else if kind == String.self, let text = value as? String {
            string(text, into: &out)
        } else if kind == Int64.self, let number = value as? Int64 {
            out.append(contentsOf: String(number).utf8)
        } else if kind == Int.self, let number = value as? Int {
            out.append(contentsOf: String(number).utf8)
        } else if kind == Double.self, let number = value as? Double {
            try double(number, into: &out)
        } else if kind == Bool.self, let flag = value as? Bool {
            out.append(contentsOf: Array((flag ? "true" : "false").utf8))
        } else if kind == RawJSON.self, let raw = value as? RawJSON {
            out.append(contentsOf: raw.text.utf8)
        } else if kind == NSNull.self {
            out.append(contentsOf: Array("null".utf8))
        } else if let object = value as? [String: Any] {
            try write(object, into: &out)
        } else if let list = value as? [Any] {
            try array(list, into: &out)
        } else if let number = value as? NSNumber, !(value is String) {
            try nsNumber(number, into: &out)
        } else {
            throw Unsupported(type: String(describing: kind))
        }
    }

    static func array<Element>(_ list: [Element], into out: inout [UInt8]) throws {
        out.append(UInt8(ascii: "["))
        for (index, item) in list.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            try write(item, into: &out)
        }
        out.append(UInt8(ascii: "]"))
    }

    static func double(_ number: Double, into out: inout [UInt8]) throws {
        guard number.isFinite else { throw Unsupported(type: "non-finite Double") }
        if number == number.rounded(), abs(number) < 1e15 {
            out.append(contentsOf: String(Int64(number)).utf8)
            out.append(contentsOf: Array(".0".utf8))
        } else {
            out.append(contentsOf: String(number).utf8)
        }
    }

    static func nsNumber(_ number: NSNumber, into out: inout [UInt8]) throws {
        switch String(cString: number.objCType) {
        case "c", "B": out.append(contentsOf: Array((number.boolValue ? "true" : "false").utf8))
        case "d", "f": try double(number.doubleValue, into: &out)
        case "Q": out.append(contentsOf: String(number.uint64Value).utf8)
        default: out.append(contentsOf: String(number.int64Value).utf8)
        }
    }

    static func string(_ text: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20, 0x7F:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 15)]])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
