extension ListQuery {
    /// Pages needed for `total` items; an empty result still has its one (empty) page.
    func totalPages(_ total: Int) -> Int {
        max(1, total / size + (total % size == 0 ? 0 : 1))
    }

    /// Rows to skip for the requested page. A page past the last one is ZenML's
    /// `ValueError` (400); checking it first also keeps `(page - 1) * size` in range.
    func offset(total: Int) throws -> Int {
        let pages = totalPages(total)
        guard page <= pages else {
            throw ControlPlaneError.invalid("Invalid page \(page). The requested page size is \(size) and there are a total of "
                + "\(total) items for this query. The maximum page value therefore is \(pages).")
        }
        return (page - 1) * size
    }

    /// ZenML's `Page` envelope around rendered items.
    func page(items: [JSONValue], total: Int) -> JSONValue {
        let totalPages = totalPages(total)
        return ["index": .int(Int64(page)), "max_size": .int(Int64(size)), "total_pages": .int(Int64(totalPages)),
                "total": .int(Int64(total)), "items": .array(items)]
    }
}
