/// A token of MLflow's filter and order-by language.
enum SearchToken: Equatable {
    /// `prefix.key`, the key possibly backticked or double-quoted.
    case identifier(String, String)
    case word(String)
    case symbol(String)
    case number(Double)
    case string(String)
    case list([String])
}

/// Splits filter text into tokens; malformed text is INVALID_PARAMETER_VALUE.
enum SearchTokenizer {
    static let maximumLength = 10_000

    static func tokens(_ text: String) throws -> [SearchToken] {
        func invalid(_ why: String) -> TrackingError { .invalidParameter("Invalid filter '\(TrackingRules.printable(text))': \(why)") }
        guard text.count <= maximumLength else { throw invalid("longer than \(maximumLength) characters") }
        let chars = Array(text)
        var index = 0
        var tokens: [SearchToken] = []

        func quoted(_ quote: Character) throws -> String {
            index += 1
            var value = ""
            while index < chars.count {
                if chars[index] == quote {
                    if index + 1 < chars.count, chars[index + 1] == quote, quote == "'" { value.append(quote); index += 2; continue }
                    index += 1
                    return value
                }
                value.append(chars[index])
                index += 1
            }
            throw invalid("unterminated \(quote) quote")
        }

        func isWordCharacter(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" || c == "-" }

        while index < chars.count {
            let c = chars[index]
            if c.isWhitespace { index += 1; continue }
            if c == "'" {
                tokens.append(.string(try quoted("'")))
            } else if c == "(" {
                index += 1
                var items: [String] = []
                while true {
                    while index < chars.count, chars[index].isWhitespace { index += 1 }
                    guard index < chars.count else { throw invalid("unterminated list") }
                    if chars[index] == ")" { index += 1; break }
                    guard chars[index] == "'" || chars[index] == "\"" else { throw invalid("lists hold quoted strings only") }
                    items.append(try quoted(chars[index]))
                    while index < chars.count, chars[index].isWhitespace { index += 1 }
                    if index < chars.count, chars[index] == "," { index += 1 }
                }
                guard !items.isEmpty else { throw invalid("an empty list") }
                tokens.append(.list(items))
            } else if "=!<>".contains(c) {
                var symbol = String(c)
                index += 1
                if index < chars.count, chars[index] == "=" { symbol.append("="); index += 1 }
                guard ["=", "!=", "<", "<=", ">", ">="].contains(symbol) else { throw invalid("unknown comparator '\(symbol)'") }
                tokens.append(.symbol(symbol))
            } else if c.isNumber || ((c == "-" || c == ".") && index + 1 < chars.count && (chars[index + 1].isNumber || chars[index + 1] == ".")) {
                var literal = ""
                while index < chars.count, chars[index].isNumber || ".eE+-".contains(chars[index]) { literal.append(chars[index]); index += 1 }
                guard let number = Double(literal), number.isFinite else { throw invalid("'\(literal)' is not a number") }
                tokens.append(.number(number))
            } else if isWordCharacter(c) || c == "`" || c == "\"" {
                if c == "\"" {  // a double-quoted string value (MLflow accepts both quotes for values)
                    tokens.append(.string(try quoted("\"")))
                    continue
                }
                var word = ""
                while index < chars.count, isWordCharacter(chars[index]) { word.append(chars[index]); index += 1 }
                if index < chars.count, chars[index] == "." {
                    index += 1
                    guard index < chars.count else { throw invalid("a key is missing after '\(word).'") }
                    var key = ""
                    if chars[index] == "`" || chars[index] == "\"" {
                        key = try quoted(chars[index])
                    } else {
                        while index < chars.count, !chars[index].isWhitespace, !"=!<>(".contains(chars[index]) { key.append(chars[index]); index += 1 }
                    }
                    guard !key.isEmpty else { throw invalid("a key is missing after '\(word).'") }
                    tokens.append(.identifier(word, key))
                } else {
                    guard !word.isEmpty else { throw invalid("unexpected '\(c)'") }
                    tokens.append(.word(word))
                }
            } else {
                throw invalid("unexpected '\(c)'")
            }
        }
        return tokens
    }
}
