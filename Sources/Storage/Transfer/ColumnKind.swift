/// The kinds of column Enclave's PostgreSQL tables use, as the copy binds and compares them.
public enum ColumnKind: Sendable, Equatable {
    case boolean, integer, real, text, bytes

    /// The kind of a column PostgreSQL's catalog names by `dataType`, or nil for one no table of ours uses.
    init?(postgresDataType dataType: String) {
        switch dataType {
        case "boolean": self = .boolean
        case "smallint", "integer", "bigint": self = .integer
        case "real", "double precision", "numeric": self = .real
        case "text", "character varying", "character": self = .text
        case "bytea": self = .bytes
        default: return nil
        }
    }
}

extension StoredValue {
    /// The value as a column of `kind` holds it (booleans as 0 or 1, as read back), or an
    /// explanation of why it does not fit. SQLite's columns are loosely typed; PostgreSQL's
    /// are not, so an integer kept in a real column is widened, never silently truncated.
    public func fitted(to kind: ColumnKind) throws(FitFailure) -> StoredValue {
        switch (kind, self) {
        case (_, .null): return .null
        case let (.boolean, .integer(value)): return .integer(value == 0 ? 0 : 1)
        case (.integer, .integer), (.real, .real), (.text, .text), (.bytes, .blob): return self
        case let (.integer, .real(value)):
            guard value.rounded() == value, let exact = Int64(exactly: value) else { throw FitFailure("\(value) is not a whole number") }
            return .integer(exact)
        case let (.integer, .text(value)):
            guard let number = Int64(value) else { throw FitFailure("the text '\(value.prefix(40))' is not a whole number") }
            return .integer(number)
        case let (.real, .integer(value)): return .real(Double(value))
        case let (.text, .integer(value)): return .text(String(value))
        case let (.bytes, .text(value)): return .blob(Array(value.utf8))
        default: throw FitFailure("a \(self.kindName) value does not fit a \(kind) column")
        }
    }

    private var kindName: String {
        switch self {
        case .null: "null"
        case .integer: "integer"
        case .real: "real"
        case .text: "text"
        case .blob: "blob"
        }
    }
}

/// Why a value does not fit a column.
public struct FitFailure: Error {
    public let reason: String
    init(_ reason: String) { self.reason = reason }
}
