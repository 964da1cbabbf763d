import PostgresNIO

/// A column of a PostgreSQL table as list filters reach it (a listed field): its name and the type a
/// filter's value is bound as, so `private = $1` binds a boolean, not the integer the API
/// parsed (PostgreSQL, unlike SQLite, compares only values of one type).
public struct ListedColumn: Sendable, Equatable {
    /// The types filters bind as.
    public enum Kind: Sendable, Equatable { case text, integer, real, boolean }
    public let name: String
    public let kind: Kind

    /// `name`, bound as `kind`.
    public init(_ name: String, _ kind: Kind = .text) { self.name = name; self.kind = kind }
}

/// SQL being put together with its values bound, never spliced: each `bind` returns the
/// `$n` placeholder for the value it appended.
public struct PostgresStatement: Sendable {
    public private(set) var bindings = PostgresBindings()
    var count = 0

    /// An empty statement.
    public init() {}

    /// Binds `value` as `kind`; a value that is not of that kind (text in an integer column)
    /// binds as NULL, which no comparison matches, as SQLite's comparison of unlike types.
    public mutating func bind(_ value: StoredValue, as kind: ListedColumn.Kind) -> String {
        switch (kind, value) {
        case (_, .null): bindings.appendNull()
        case let (.text, .text(text)): bindings.append(text)
        case let (.text, .integer(number)): bindings.append(String(number))
        case let (.text, .real(number)): bindings.append(String(number))
        case let (.integer, .integer(number)): bindings.append(number)
        case let (.integer, .real(number)): if let exact = Int64(exactly: number) { bindings.append(exact) } else { bindings.appendNull() }
        case let (.integer, .text(text)): if let number = Int64(text) { bindings.append(number) } else { bindings.appendNull() }
        case let (.real, .real(number)): bindings.append(number)
        case let (.real, .integer(number)): bindings.append(Double(number))
        case let (.real, .text(text)): if let number = Double(text) { bindings.append(number) } else { bindings.appendNull() }
        case let (.boolean, .integer(number)): bindings.append(number != 0)
        case let (.boolean, .text(text)):
            switch text.lowercased() {
            case "true", "1": bindings.append(true)
            case "false", "0": bindings.append(false)
            default: bindings.appendNull()
            }
        default: bindings.appendNull()
        }
        count += 1
        return "$\(count)"
    }

    /// Binds any value postgres-nio encodes (an id, a limit).
    public mutating func bind<Value: PostgresNonThrowingEncodable & Sendable>(_ value: Value) -> String {
        bindings.append(value)
        count += 1
        return "$\(count)"
    }

    /// Binds a value that may be missing (NULL).
    public mutating func bind<Value: PostgresNonThrowingEncodable & Sendable>(_ value: Value?) -> String {
        bindings.append(value)
        count += 1
        return "$\(count)"
    }

    /// `sql` run with the values bound so far.
    public func query(_ sql: String) -> PostgresQuery { PostgresQuery(unsafeSQL: sql, binds: bindings) }
}
