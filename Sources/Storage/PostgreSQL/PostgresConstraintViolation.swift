import PostgresNIO

extension ConstraintViolation {
    /// The violation a PostgreSQL error stands for, read from its SQLSTATE (class 23,
    /// integrity constraint violation) and the table the server names.
    static func postgres(_ error: any Error) -> ConstraintViolation? {
        guard let error = error as? PSQLError, let state = error.serverInfo?[.sqlState] else { return nil }
        switch state {
        case "23505": return .duplicate(table: error.serverInfo?[.tableName] ?? "")
        case "23503": return .missingReference
        case "23502", "23514", "23P01": return .invalidValue
        // Class 22, data exceptions: a value no column can hold (a NUL in text, a number out of
        // range), always the caller's; SQLite stores such values and answers as for any other.
        case _ where state.hasPrefix("22"): return .invalidValue
        default: return nil
        }
    }

    /// The SQLSTATE of a PostgreSQL error (what an operator's log may say of an unexpected
    /// failure: never the server's message, which can quote the values).
    static func postgresCode(_ error: any Error) -> String? {
        (error as? PSQLError)?.serverInfo?[.sqlState]
    }

    /// The columns of the unique key a PostgreSQL error broke, from its detail
    /// ("Key (name, scope)=(a, b) already exists.").
    static func postgresDuplicateColumns(_ error: any Error) -> Set<String>? {
        guard let error = error as? PSQLError, error.serverInfo?[.sqlState] == "23505" else { return nil }
        let detail = error.serverInfo?[.detail] ?? ""
        guard let open = detail.range(of: "Key ("), let close = detail.range(of: ")=", range: open.upperBound..<detail.endIndex) else { return [] }
        return Set(detail[open.upperBound..<close.lowerBound].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
    }
}
