import Foundation

/// A Markdown visualization rendered safely: the text is parsed into blocks (headings,
/// paragraphs, lists, quotes, fenced code, rules) and inline spans (strong, emphasis, code,
/// links) and handed to the template as data, so every character still passes through the
/// template's escaping. Raw HTML in the Markdown stays text; links keep only `http`, `https`,
/// `mailto` and in-page targets; images show their alt text (nothing is fetched).
enum MarkdownView {
    /// Blocks beyond this are dropped (a visualization is a report, not a book).
    static let maxBlocks = 2000
    /// Texts longer than this (in bytes) are shown as plain text, not parsed.
    static let maxBytes = 512 * 1024

    /// One block as template data. Every flag is present on every block and span, so a
    /// template section never falls through to a key of the page around it.
    static func blocks(_ text: String) -> [[String: Any]] {
        var parser = MarkdownBlocks()
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            parser.read(line.hasSuffix("\r") ? String(line.dropLast()) : String(line))
            if parser.blocks.count >= maxBlocks { break }
        }
        parser.finish()
        return parser.blocks.prefix(maxBlocks).map(\.context)
    }
}

/// A Markdown block while it is read.
enum MarkdownBlock {
    case heading(Int, String)
    case paragraph(String)
    case list(ordered: Bool, items: [String])
    case quote(String)
    case code(String)
    case rule

    var context: [String: Any] {
        var context: [String: Any] = ["h1": false, "h2": false, "h3": false, "h4": false, "paragraph": false, "quote": false,
                                      "list": false, "ordered": false, "code": false, "rule": false, "spans": [], "items": [], "text": ""]
        switch self {
        case .heading(let level, let text):
            context["h\(min(max(level, 1), 4))"] = true
            context["spans"] = MarkdownSpans.spans(text)
        case .paragraph(let text):
            context["paragraph"] = true
            context["spans"] = MarkdownSpans.spans(text)
        case .quote(let text):
            context["quote"] = true
            context["spans"] = MarkdownSpans.spans(text)
        case .list(let ordered, let items):
            context["list"] = true
            context["ordered"] = ordered
            context["items"] = items.map { ["spans": MarkdownSpans.spans($0)] }
        case .code(let text):
            context["code"] = true
            context["text"] = text
        case .rule:
            context["rule"] = true
        }
        return context
    }
}

/// Reads Markdown line by line into blocks; lines are gathered and joined once per block, so
/// reading stays linear in the text.
struct MarkdownBlocks {
    enum Kind: Equatable { case paragraph, quote, code, list(ordered: Bool) }

    var blocks: [MarkdownBlock] = []
    private var kind: Kind?
    /// The open block's lines (a list's items).
    private var lines: [String] = []
    private var fence: String?

    mutating func read(_ line: String) {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        if let fence {
            if trimmed.hasPrefix(fence) { close(); self.fence = nil } else { lines.append(line) }
            return
        }
        if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
            close()
            fence = String(trimmed.prefix(3))
            kind = .code
            return
        }
        if trimmed.isEmpty { close(); return }
        if let heading = Self.heading(trimmed) { close(); blocks.append(heading); return }
        if trimmed.count >= 3, let first = trimmed.first, "-*_".contains(first), trimmed.allSatisfy({ $0 == first || $0 == " " }) {
            close(); blocks.append(.rule); return
        }
        if trimmed.hasPrefix(">") {
            continueOrOpen(.quote, with: trimmed.dropFirst().trimmingCharacters(in: .whitespaces))
            return
        }
        if let (ordered, item) = Self.listItem(trimmed) {
            continueOrOpen(.list(ordered: ordered), with: item)
            return
        }
        switch kind {
        case .paragraph?, .quote?: lines.append(trimmed)
        case .list?: lines[lines.count - 1] += " " + trimmed  // a lazy continuation of the item
        default: continueOrOpen(.paragraph, with: trimmed)
        }
    }

    mutating func finish() {
        if fence != nil { fence = nil }
        close()
    }

    private mutating func continueOrOpen(_ next: Kind, with line: String) {
        if kind != next { close(); kind = next }
        lines.append(line)
    }

    private mutating func close() {
        switch kind {
        case .paragraph?: blocks.append(.paragraph(lines.joined(separator: " ")))
        case .quote?: blocks.append(.quote(lines.joined(separator: " ")))
        case .code?: blocks.append(.code(lines.joined(separator: "\n")))
        case .list(let ordered)?: blocks.append(.list(ordered: ordered, items: lines))
        case nil: break
        }
        kind = nil
        lines = []
    }

    static func heading(_ line: String) -> MarkdownBlock? {
        let hashes = line.prefix { $0 == "#" }.count
        guard (1...6).contains(hashes) else { return nil }
        let rest = line.dropFirst(hashes)
        guard rest.isEmpty || rest.first == " " else { return nil }
        let text = rest.trimmingCharacters(in: .whitespaces)
        return .heading(hashes, String(text.reversed().drop { $0 == "#" }.reversed()).trimmingCharacters(in: .whitespaces))
    }

    /// `- x`, `* x`, `+ x` or `1. x`: whether it is ordered, and the item's text.
    static func listItem(_ line: String) -> (Bool, String)? {
        if let first = line.first, "-*+".contains(first), line.dropFirst().first == " " {
            return (false, String(line.dropFirst(2)))
        }
        let digits = line.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, digits.count <= 9 else { return nil }
        let rest = line.dropFirst(digits.count)
        guard rest.hasPrefix(". ") || rest.hasPrefix(") ") else { return nil }
        return (true, String(rest.dropFirst(2)))
    }
}
