import PostgresNIO
import Storage

/// One connection of a PostgreSQL transaction, with the few shapes of statement the control
/// plane's repositories run: rows, one value, a count of rows changed, a statement alone.
struct PostgresSession {
    let store: PostgresStore
    let connection: PostgresConnection

    func rows(_ query: PostgresQuery) async throws -> [PostgresRow] {
        try await store.rows(query, on: connection)
    }

    /// The first column of the first row, or nil when there is no row (or it is NULL).
    func value<Value: PostgresDecodable>(_ query: PostgresQuery, as type: Value.Type = Value.self) async throws -> Value? where Value._DecodableType == Value {
        guard let row = try await rows(query).first else { return nil }
        return try row.makeRandomAccess()[0].decode(Value?.self)
    }

    /// The first row as the engine-free record, or nil.
    func row(_ query: PostgresQuery) async throws -> StoredRow? {
        try await rows(query).first.map(StoredRow.init(postgres:))
    }

    /// Runs a statement whose rows (if any) do not matter.
    func execute(_ query: PostgresQuery) async throws {
        _ = try await rows(query)
    }

    /// Runs a statement ending in `RETURNING 1` (or any column) and answers how many rows it touched.
    func changed(_ query: PostgresQuery) async throws -> Int {
        try await rows(query).count
    }

    /// Holds the transaction-wide advisory lock named `key` until commit: writers of one
    /// pipeline's runs, one run's steps or one model's versions take turns, so numbers
    /// computed from the highest one never collide.
    func lock(_ key: String) async throws {
        try await execute("SELECT pg_advisory_xact_lock(hashtextextended(\(key), 0))")
    }

    /// The id of the project `nameOrID`, or ZenML's not-found error.
    func projectID(_ nameOrID: String) async throws -> String {
        try await PostgresProjectLookup.id(of: nameOrID, store: store, on: connection)
    }
}

extension PostgresStore {
    /// `guardedTransaction` with a `PostgresSession`.
    func write<Result: Sendable>(_ body: (PostgresSession) async throws -> Result) async throws -> Result {
        try await guardedTransaction { connection in try await body(PostgresSession(store: self, connection: connection)) }
    }

    /// A read of one snapshot with a `PostgresSession`.
    func read<Result: Sendable>(_ body: (PostgresSession) async throws -> Result) async throws -> Result {
        try await snapshot { connection in try await body(PostgresSession(store: self, connection: connection)) }
    }
}
