import Storage

extension ListQuery {
    /// The query with each `user=` filter turned into a filter on the ids Identity knows by
    /// that name or id (none: the filter matches nothing), so no list reads Identity's tables.
    func resolvingAccounts(_ directory: any AccountDirectory) async throws -> ListQuery {
        guard conditions.contains(where: { if case .account = $0 { true } else { false } }) else { return self }
        var resolved = self
        resolved.conditions = []
        for condition in conditions {
            guard case let .account(field, nameOrID) = condition else { resolved.conditions.append(condition); continue }
            let ids = try await directory.accountIDs(nameOrID: nameOrID)
            resolved.conditions.append(.field(FieldFilter(field, .oneOf, ids.map(\.storedValue))))
        }
        return resolved
    }

    /// Where the requested page starts, before the total is known (the total then decides
    /// whether the page exists at all); a page far past any end stays in range.
    var requestedOffset: Int {
        let (offset, overflow) = (page - 1).multipliedReportingOverflow(by: size)
        return overflow ? Int.max : offset
    }

    /// The query as a request for records another module owns (Identity's accounts, the
    /// secret store's records): only field filters, the order and the window carry over.
    func recordPageRequest() throws -> RecordPageRequest {
        let filters = try conditions.map { condition -> FieldFilter in
            guard case let .field(filter) = condition else { throw UnknownRecordField(field: "a list rule outside the control plane") }
            return filter
        }
        return RecordPageRequest(filters: filters, matchAny: matchAny, sortField: sortField, descending: descending,
                                 offset: requestedOffset, limit: size)
    }
}
