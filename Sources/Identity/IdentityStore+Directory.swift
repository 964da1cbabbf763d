import Storage

extension IdentityStore {
    /// One page of people (or of service accounts) as `request` filters, orders and windows
    /// them, with the number matching in all: what the user lists of every API read, so none
    /// of them reads Identity's tables itself.
    public func accountPage(_ request: RecordPageRequest, serviceAccounts: Bool) async throws -> (accounts: [Account], total: Int) {
        try await repository.accountPage(request, serviceAccounts: serviceAccounts)
    }

    /// The ids of the accounts `nameOrID` names (its id, or its name): what ZenML's `user=`
    /// filters on other lists resolve to. Empty when none does.
    public func accountIDs(nameOrID: String) async throws -> [String] {
        try await repository.accountIDs(nameOrID: nameOrID)
    }
}
