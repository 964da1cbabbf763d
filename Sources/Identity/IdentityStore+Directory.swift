import GRDB
@_spi(SQLiteImplementation) import Storage

extension IdentityStore {
    /// The fields an account list filters and sorts on, as ZenML names them, and their columns.
    static let listedFields: [String: String] = [
        "id": "id", "name": "name", "full_name": "full_name", "email": "email", "active": "active",
        "description": "description", "created": "created", "updated": "updated",
    ]

    /// One page of people (or of service accounts) as `request` filters, orders and windows
    /// them, with the number matching in all: what the user lists of every API read, so none
    /// of them reads Identity's tables itself.
    public func accountPage(_ request: RecordPageRequest, serviceAccounts: Bool) async throws -> (accounts: [Account], total: Int) {
        let (filter, arguments) = try SQLiteFieldFilter.whereClause(request.filters, matchAny: request.matchAny, columns: Self.listedFields)
        let order = try SQLiteFieldFilter.orderClause(request, columns: Self.listedFields, idColumn: "id")
        let whereSQL = "WHERE is_service_account = ?" + (filter.isEmpty ? "" : " AND \(filter)")
        let bound = [serviceAccounts.storedValue] + arguments
        return try await store.database.read { db in
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM users \(whereSQL)", arguments: bound.statementArguments) ?? 0
            let accounts = try Account.fetchAll(db, sql: "SELECT * FROM users \(whereSQL) \(order) LIMIT ? OFFSET ?",
                                                arguments: (bound + [max(0, request.limit).storedValue, max(0, request.offset).storedValue]).statementArguments)
            return (accounts, total)
        }
    }

    /// The ids of the accounts `nameOrID` names (its id, or its name): what ZenML's `user=`
    /// filters on other lists resolve to. Empty when none does.
    public func accountIDs(nameOrID: String) async throws -> [String] {
        try await store.database.read { db in
            try String.fetchAll(db, sql: "SELECT id FROM users WHERE id = ? OR name = ?", arguments: [nameOrID.lowercased(), nameOrID])
        }
    }
}
