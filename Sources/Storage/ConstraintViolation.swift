import Foundation
import GRDB

/// A write the database refused because it broke one of the schema's rules. Domain
/// modules map it to their API's error; uniqueness is always left to these rules,
/// never to a read before the write, so it holds with several writers.
public enum ConstraintViolation: Sendable, Equatable {
    /// A unique key already holds this value (in `table`).
    case duplicate(table: String)
    /// A reference names a row that does not exist, or a row still referenced was deleted.
    case missingReference
    /// A required value was absent, a check failed, or the engine cannot hold the value at
    /// all (PostgreSQL's text takes no NUL character; a number out of its column's range).
    case invalidValue

    /// The violation `error` stands for, or nil when it is some other error. This is the
    /// one place that reads SQLite's result codes (and PostgreSQL's SQLSTATEs, beside it).
    public init?(_ error: any Error) {
        if let violation = Self.postgres(error) { self = violation; return }
        guard let error = error as? DatabaseError, error.resultCode == .SQLITE_CONSTRAINT else { return nil }
        switch error.extendedResultCode {
        case .SQLITE_CONSTRAINT_UNIQUE, .SQLITE_CONSTRAINT_PRIMARYKEY:
            // "UNIQUE constraint failed: api_keys.service_account_id, api_keys.name"
            let columns = error.message?.split(separator: ":", maxSplits: 1).last ?? ""
            let table = columns.split(separator: ".").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
            self = .duplicate(table: table)
        case .SQLITE_CONSTRAINT_FOREIGNKEY:
            self = .missingReference
        default:
            self = .invalidValue
        }
    }

    /// The engine's code for an unexpected database error (PostgreSQL's SQLSTATE, SQLite's
    /// extended result code), for logs; nil for other errors.
    public static func databaseCode(_ error: any Error) -> String? {
        if let code = postgresCode(error) { return "SQLSTATE \(code)" }
        return (error as? DatabaseError).map { "SQLite \($0.extendedResultCode.rawValue)" }
    }

    /// The columns of the unique key `error` broke (`["project_id", "name"]`), or nil when it
    /// is no uniqueness violation: what tells a taken name (the caller's 409) from a number a
    /// concurrent writer took first (try again).
    public static func duplicateColumns(_ error: any Error) -> Set<String>? {
        if let columns = postgresDuplicateColumns(error) { return columns }
        guard let error = error as? DatabaseError, error.resultCode == .SQLITE_CONSTRAINT,
              error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE || error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY
        else { return nil }
        let list = error.message?.split(separator: ":", maxSplits: 1).last ?? ""
        return Set(list.split(separator: ",").map { column in
            String(column.split(separator: ".").last ?? column).trimmingCharacters(in: .whitespaces)
        })
    }
}
