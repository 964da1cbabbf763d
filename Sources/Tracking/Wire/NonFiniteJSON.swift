/// Python's `json` (and so the mlflow client) writes NaN and infinities as the bare tokens
/// `NaN`, `Infinity` and `-Infinity`, which strict JSON parsers refuse. MLflow accepts
/// them for metric values; this rewrites such tokens outside strings into the strings
/// `"NaN"`, `"Infinity"` and `"-Infinity"`, which the field readers then accept as numbers.
enum NonFiniteJSON {
    static let tokens: [[UInt8]] = [Array("-Infinity".utf8), Array("Infinity".utf8), Array("NaN".utf8)]

    /// The body with bare non-finite tokens quoted, or nil when it has none.
    static func quoted(_ bytes: [UInt8]) -> [UInt8]? {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + 16)
        var inString = false, escaped = false, changed = false
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                output.append(byte)
                index += 1
                continue
            }
            if byte == UInt8(ascii: "\"") {
                inString = true
            } else if let token = tokens.first(where: { bytes[index...].starts(with: $0) }) {
                output.append(UInt8(ascii: "\""))
                output.append(contentsOf: token)
                output.append(UInt8(ascii: "\""))
                index += token.count
                changed = true
                continue
            }
            output.append(byte)
            index += 1
        }
        return changed ? output : nil
    }
}
