import ControlPlane
import Foundation

/// A stored visualization made safe for a page: CSV as a table, JSON indented, Markdown
/// rendered from parsed blocks (`MarkdownView`), other text as escaped text, images as `data:` URLs (an `<img>` runs no script, SVG included),
/// HTML only inside a sandboxed frame with scripts off. Everything passes through the
/// template's escaping.
enum VisualizationView {
    static let maxRows = 200

    static func context(_ loaded: LoadedVisualization) -> [String: Any] {
        switch loaded.type {
        case "csv": return ["csv": table(String(decoding: loaded.bytes, as: UTF8.self))]
        case "json":
            let text = String(decoding: loaded.bytes, as: UTF8.self)
            return ["text": JSONText.pretty(text), "kind": "json"]
        case "image": return ["image": "data:\(mediaType(loaded.bytes));base64," + Data(loaded.bytes).base64EncodedString()]
        case "html": return ["html": String(decoding: loaded.bytes, as: UTF8.self)]
        case "markdown" where loaded.bytes.count <= MarkdownView.maxBytes:
            return ["markdown": ["blocks": MarkdownView.blocks(String(decoding: loaded.bytes, as: UTF8.self))]]
        default: return ["text": String(decoding: loaded.bytes, as: UTF8.self), "kind": loaded.type]
        }
    }

    /// The first rows of a CSV text (quoted fields and doubled quotes understood).
    static func table(_ text: String) -> [String: Any] {
        var rows: [[String]] = [], row: [String] = [], field = "", quoted = false
        var characters = Array(text).makeIterator()
        while let c = characters.next(), rows.count <= maxRows {
            if quoted {
                if c == "\"" {
                    if let next = characters.next() {
                        if next == "\"" { field.append("\"") } else { quoted = false; handle(next) }
                    } else { quoted = false }
                } else { field.append(c) }
            } else { handle(c) }
        }
        func handle(_ c: Character) {
            switch c {
            case "\"": quoted = true
            case ",": row.append(field); field = ""
            case "\n", "\r\n": row.append(field); rows.append(row); row = []; field = ""
            case "\r": break
            default: field.append(c)
            }
        }
        if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
        let header = rows.first ?? []
        return ["header": header.map { ["cell": $0] },
                "rows": rows.dropFirst().prefix(maxRows).map { ["cells": $0.map { ["cell": $0] }] },
                "cut": rows.count > maxRows]
    }

    /// The media type of image bytes by their signature (PNG, JPEG, GIF, WebP, else SVG text).
    static func mediaType(_ bytes: [UInt8]) -> String {
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) { return "image/png" }
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        if bytes.starts(with: Array("GIF8".utf8)) { return "image/gif" }
        if bytes.count > 12, bytes[8..<12].elementsEqual("WEBP".utf8) { return "image/webp" }
        return "image/svg+xml"
    }
}
