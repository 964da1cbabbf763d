import Storage

/// The value type of a filterable column, which decides the operators it takes and
/// how a query value is parsed (as ZenML's filter models do).
enum FilterKind: Sendable {
    case string, uuid, int, bool, datetime
}

/// One condition over the control plane's tables, written once for every engine: portable
/// SQL text, the values it compares with (bound, never spliced) and ZenML field filters, which
/// each engine writes its own way (`SQLiteListQuery`, `PostgresListQuery`).
struct SQLCondition: Sendable {
    /// A piece of the condition, in order.
    enum Part: Sendable {
        case sql(String)
        case argument(StoredValue)
        case filter(FieldFilter, column: String, kind: FilterKind)
    }

    var parts: [Part]

    /// `sql` with each `?` standing for the next of `arguments` (the SQL is the server's own,
    /// never a client's, so a `?` is always a placeholder).
    init(sql: String, arguments: [StoredValue]) {
        var parts: [Part] = [], values = arguments[...]
        for (index, piece) in sql.split(separator: "?", omittingEmptySubsequences: false).enumerated() {
            if index > 0 { parts.append(.argument(values.popFirst() ?? .null)) }
            if !piece.isEmpty { parts.append(.sql(String(piece))) }
        }
        self.parts = parts
    }

    init(parts: [Part]) { self.parts = parts }

    /// This condition between `prefix` and `suffix` (a subquery around a filter).
    func within(_ prefix: String, _ suffix: String) -> SQLCondition {
        SQLCondition(parts: [.sql(prefix)] + parts + [.sql(suffix)])
    }
}

/// How one list endpoint maps ZenML's query parameters onto a table: which fields can
/// be filtered and sorted, and any parameter with rules of its own (`stack_id`,
/// `exclude_retried`, `cache_expired`…).
struct ResourceSchema: Sendable {
    /// The table, aliased `t` in every query.
    let table: String
    /// The noun used in messages ("pipeline", "stack component").
    let noun: String
    /// Whether rows carry `project_id` and lists honour `project=`.
    let projectScoped: Bool
    /// Filterable fields: query name → (SQL expression over `t`, kind). Lists of another
    /// module's records (users, secrets) name the field itself; that module maps it.
    let fields: [String: (sql: String, kind: FilterKind)]
    /// Parameters with their own translation into SQL; nil result means "no condition".
    let custom: [String: @Sendable (String) throws -> SQLCondition?]
    /// Parameters that shape the rendering rather than the selection (say
    /// `include_full_metadata`, whose fuller answer Enclave always gives): accepted as they are.
    let rendering: Set<String>

    /// Whether a query parameter is applied by this list (a field, a custom rule, `project`
    /// on project-scoped lists, `user`/`scope_user` on lists with owners, or a rendering option).
    func applies(_ key: String) -> Bool {
        fields[key] != nil || custom[key] != nil || rendering.contains(key) || (key == "project" && projectScoped)
            || ((key == "user" || key == "scope_user") && fields["user_id"] != nil)
    }

    init(table: String, noun: String, projectScoped: Bool,
         fields: [String: (sql: String, kind: FilterKind)],
         custom: [String: @Sendable (String) throws -> SQLCondition?] = [:], rendering: Set<String> = []) {
        self.table = table
        self.noun = noun
        self.projectScoped = projectScoped
        var all = fields
        all["id"] = all["id"] ?? ("t.id", .uuid)
        all["created"] = all["created"] ?? ("t.created", .datetime)
        all["updated"] = all["updated"] ?? ("t.updated", .datetime)
        if projectScoped { all["project_id"] = ("t.project_id", .uuid) }
        self.fields = all
        self.custom = custom
        self.rendering = rendering
    }
}

extension SQLCondition {
    /// `column` names the row of `table` whose id or name is `nameOrID` (ZenML's filters
    /// that take either, like `pipeline=` or `stack=`).
    static func naming(_ column: String, in table: String, _ nameOrID: String) -> SQLCondition {
        SQLCondition(sql: "\(column) IN (SELECT id FROM \(table) WHERE id = ? OR name = ?)",
                     arguments: [nameOrID.lowercased().storedValue, nameOrID.storedValue])
    }

    /// A filter rule for `naming(column, in: table, value)`.
    static func namingRule(_ column: String, in table: String) -> @Sendable (String) throws -> SQLCondition? {
        { value in naming(column, in: table, value) }
    }
}

extension ListQuery {
    /// One `field=<op>:<value>` parameter as SQL over `column`: for a list's own rules that
    /// filter through a related table (`pipeline_name`, `tags`…).
    static func condition(_ key: String, _ column: String, _ kind: FilterKind, _ raw: String) throws -> SQLCondition {
        SQLCondition(parts: [.filter(try filter(key, kind, raw), column: column, kind: kind)])
    }
}
