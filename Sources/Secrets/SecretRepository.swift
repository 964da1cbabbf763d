import Storage

/// Where secret records (names, owners, scopes) are kept. A taken name in the same scope
/// is refused by the store's own constraint, surfaced as `SecretsError.nameTaken`.
public protocol SecretRepository: Sendable {
    /// Stores a new record; `nameTaken` when its name is taken in its scope.
    func insert(_ record: SecretRecord) async throws
    /// The record with `id`, if any.
    func record(id: String) async throws -> SecretRecord?
    /// Replaces the record's name, scope and update time; `nameTaken` as for `insert`,
    /// false when it no longer exists.
    func update(_ record: SecretRecord) async throws -> Bool
    /// Removes the record; false when there was none.
    func delete(id: String) async throws -> Bool
    /// Every secret id, oldest first, after `id`, at most `limit` (for `verify`).
    func ids(after id: String?, limit: Int) async throws -> [String]
    /// One page of the secrets `userID` may see (public ones and its own private ones) as
    /// `request` filters (fields `id`, `name`, `private`, `user_id`, `created`, `updated`),
    /// orders and windows them, with the number matching in all.
    func visible(to userID: String, _ request: RecordPageRequest) async throws -> (records: [SecretRecord], total: Int)
}
