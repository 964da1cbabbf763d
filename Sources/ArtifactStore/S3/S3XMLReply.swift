/// An S3 reply body: the few flat XML documents S3 answers with (listings, upload ids,
/// errors), read by element name. Not a general XML parser — S3's replies have no
/// attributes that matter, no mixed content and no elements of one name at two depths we
/// read — which keeps libxml2 out of the static binary.
struct S3XMLReply {
    let text: Substring

    /// The reply from its raw bytes (UTF-8, as S3 sends it).
    init(_ bytes: [UInt8]) { text = Substring(String(decoding: bytes, as: UTF8.self)) }
    init(_ text: Substring) { self.text = text }

    /// The text of the first `<name>` element, entities decoded; nil when there is none.
    func value(_ name: String) -> String? { blocks(name).first.map { Self.decoded($0.text) } }

    /// Every `<name>` element's inner content, in document order, for reading its children.
    func blocks(_ name: String) -> [S3XMLReply] {
        var found: [S3XMLReply] = []
        var rest = text[...]
        while let open = rest.range(of: "<" + name) {
            let after = rest[open.upperBound...]
            guard let first = after.first else { break }
            if first == "/" , after.dropFirst().first == ">" {  // <name/>: empty element
                found.append(S3XMLReply(after.prefix(0)))
                rest = after.dropFirst(2)
                continue
            }
            guard first == ">" || first == " " else { rest = after; continue }  // a longer name
            guard let end = after.firstIndex(of: ">") else { break }
            let inner = after[after.index(after: end)...]
            guard let close = inner.range(of: "</" + name + ">") else { break }
            found.append(S3XMLReply(inner[..<close.lowerBound]))
            rest = inner[close.upperBound...]
        }
        return found
    }

    /// XML text with `&lt;`-style and numeric entities resolved.
    static func decoded(_ raw: Substring) -> String {
        guard raw.contains("&") else { return String(raw) }
        var out = ""
        var rest = raw[...]
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            guard let semicolon = rest[amp...].firstIndex(of: ";") else { out += rest[amp...]; return out }
            let entity = rest[rest.index(after: amp)..<semicolon]
            switch entity {
            case "lt": out += "<"
            case "gt": out += ">"
            case "amp": out += "&"
            case "quot": out += "\""
            case "apos": out += "'"
            default:
                let number: UInt32? = entity.hasPrefix("#x") ? UInt32(entity.dropFirst(2), radix: 16)
                    : entity.hasPrefix("#") ? UInt32(entity.dropFirst()) : nil
                if let number, let scalar = Unicode.Scalar(number) { out.unicodeScalars.append(scalar) } else { out += "&" + entity + ";" }
            }
            rest = rest[rest.index(after: semicolon)...]
        }
        return out + rest
    }
}
