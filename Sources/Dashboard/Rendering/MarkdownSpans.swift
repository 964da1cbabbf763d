import Foundation

/// Inline Markdown as template data: plain text, `**strong**`, `*emphasis*`, `` `code` `` and
/// `[links](target)`; a backslash keeps the next character literal. Spans do not nest (the
/// inside of a strong or emphasised span is plain text), and a link whose target is not
/// `http`, `https`, `mailto` or in-page is text.
enum MarkdownSpans {
    enum Kind: String, CaseIterable { case text, strong, em, code, link }

    /// How far a span's end is looked for.
    static let reach = 1000

    static func spans(_ text: String) -> [[String: Any]] {
        var spans: [(Kind, String, String)] = []
        var plain = ""
        func flush() {
            if !plain.isEmpty { spans.append((.text, plain, "")) }
            plain = ""
        }
        let characters = Array(text)
        var i = 0
        // A span closes within `reach` characters or is text: scans stay bounded on hostile input.
        func closing(_ marker: Character, twice: Bool = false, from start: Int) -> Int? {
            var j = start + 1
            let last = min(characters.count, start + reach) - (twice ? 1 : 0)
            while j < last {
                if characters[j] == marker, !twice || characters[j + 1] == marker { return j }
                j += 1
            }
            return nil
        }
        while i < characters.count {
            let c = characters[i]
            if c == "\\", i + 1 < characters.count, "\\`*_[]()#+-.!<>".contains(characters[i + 1]) {
                plain.append(characters[i + 1]); i += 2; continue
            }
            if c == "`", let end = closing("`", from: i + 1) {
                flush(); spans.append((.code, String(characters[(i + 1)..<end]), "")); i = end + 1; continue
            }
            if (c == "*" || c == "_"), i + 1 < characters.count, characters[i + 1] == c, let end = closing(c, twice: true, from: i + 2) {
                flush(); spans.append((.strong, String(characters[(i + 2)..<end]), "")); i = end + 2; continue
            }
            let opensWord = i + 1 < characters.count && !characters[i + 1].isWhitespace
            let afterWord = i > 0 && (characters[i - 1].isLetter || characters[i - 1].isNumber)
            if (c == "*" || (c == "_" && !afterWord)), opensWord, let end = closing(c, from: i + 1) {
                flush(); spans.append((.em, String(characters[(i + 1)..<end]), "")); i = end + 1; continue
            }
            let image = c == "!" && i + 1 < characters.count && characters[i + 1] == "["
            if c == "[" || image, let link = Self.link(characters, at: image ? i + 1 : i) {
                flush()
                if !image, let target = safeTarget(link.target) {
                    spans.append((.link, link.label, target))
                } else {
                    spans.append((.text, link.label, ""))
                }
                i = link.end; continue
            }
            plain.append(c); i += 1
        }
        flush()
        return spans.map { kind, value, href in
            var span: [String: Any] = Dictionary(uniqueKeysWithValues: Kind.allCases.map { ($0.rawValue, $0 == kind) })
            span["value"] = value
            span["href"] = href
            return span
        }
    }

    /// `[label](target)` starting at `start`: its parts and the index after it.
    static func link(_ characters: [Character], at start: Int) -> (label: String, target: String, end: Int)? {
        let window = characters[start..<min(characters.count, start + reach)]
        guard let close = window.firstIndex(of: "]"), close + 1 < window.endIndex, characters[close + 1] == "(",
              let end = window[(close + 1)...].firstIndex(of: ")") else { return nil }
        let target = String(characters[(close + 2)..<end]).trimmingCharacters(in: .whitespaces)
        return (String(characters[(start + 1)..<close]), target.split(separator: " ").first.map(String.init) ?? "", end + 1)
    }

    /// The target when it is one a report may link to; nil for `javascript:`, `data:` and the like.
    static func safeTarget(_ target: String) -> String? {
        let lower = target.lowercased()
        if lower.hasPrefix("http://") || lower.hasPrefix("https://") || lower.hasPrefix("mailto:") || lower.hasPrefix("#") { return target }
        return nil
    }
}
