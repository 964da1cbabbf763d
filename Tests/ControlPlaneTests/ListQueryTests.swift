@testable import ControlPlane
import GRDB
import Storage
import Testing

@Suite struct ListQueryTests {
    let schema = ResourceSchema(table: "pipelines", noun: "pipeline", projectScoped: true, fields: [
        "name": ("t.name", .string), "index": ("t.run_index", .int), "active": ("t.active", .bool),
    ])

    func query(_ items: [(String, String)]) throws -> ListQuery { try ListQuery(items, schema: schema) }

    /// The first filter of `items` as the SQLite reader writes it.
    func first(_ items: [(String, String)]) throws -> (sql: String, arguments: [StoredValue])? { try query(items).conditions.first?.sqlite(schema) }

    @Test func readsPagingSortingAndHydration() throws {
        let q = try query([("page", "3"), ("size", "7"), ("sort_by", "desc:name"), ("hydrate", "True"), ("logical_operator", "or")])
        #expect(q.page == 3 && q.size == 7 && q.sortField == "name" && q.descending && q.hydrate && q.matchAny)
    }

    @Test func bareValueMeansEquals() throws {
        let q = try first([("name", "mini")])
        #expect(q?.sql == "t.name = ?")
        #expect(q?.arguments == ["mini".storedValue])
    }

    @Test func unknownOperatorPrefixIsPartOfTheValue() throws {
        #expect(try first([("name", "team:mini")])?.arguments == ["team:mini".storedValue])
    }

    @Test func likeOperatorsEscapeWildcards() throws {
        let q = try first([("name", "contains:50%_off")])
        #expect(q?.sql == "t.name LIKE ? ESCAPE '\\'")
        #expect(q?.arguments == ["%50\\%\\_off%".storedValue])
        #expect(try first([("name", "startswith:ab")])?.arguments == ["ab%".storedValue])
    }

    @Test func rulesKeepTheirSQLAndValuesInOrderOnEachEngine() throws {
        let rule = SQLCondition(sql: "t.a = ? OR t.b IN (SELECT id FROM x WHERE id = ? OR name = ?)",
                                arguments: [.text("one"), .text("two"), .integer(3)]).within("NOT (", ")")
        #expect(rule.sqlite.sql == "NOT (t.a = ? OR t.b IN (SELECT id FROM x WHERE id = ? OR name = ?))")
        #expect(rule.sqlite.arguments == [.text("one"), .text("two"), .integer(3)])
        // A rule around a field filter: the filter is written by the engine, its value bound in place.
        let tagged = try ListQuery.condition("tags", "g.name", .string, "startswith:ni").within("t.id IN (SELECT x WHERE ", ")")
        #expect(tagged.sqlite.sql == "t.id IN (SELECT x WHERE g.name LIKE ? ESCAPE '\\')")
        #expect(tagged.sqlite.arguments == ["ni%".storedValue])
    }

    @Test func oneofTakesAJSONList() throws {
        #expect(try first([("name", #"oneof:["a","b"]"#)])?.sql == "t.name IN (?,?)")
        #expect(throws: ControlPlaneError.self) { try query([("name", "oneof:a,b")]) }
    }

    @Test func nullOperatorsTakeNoValue() throws {
        #expect(try first([("name", "isnull:")])?.sql == "t.name IS NULL")
        #expect(throws: ControlPlaneError.self) { try query([("name", "isnull:x")]) }
    }

    @Test func typedFieldsRejectValuesOfTheWrongKind() {
        #expect(throws: ControlPlaneError.self) { try query([("index", "gt:many")]) }
        #expect(throws: ControlPlaneError.self) { try query([("active", "perhaps")]) }
        #expect(throws: ControlPlaneError.self) { try query([("created", "gt:yesterday")]) }
        #expect(throws: ControlPlaneError.self) { try query([("name", "gt:b")]) }
    }

    @Test func datetimeFiltersAcceptZenMLsFormat() throws {
        #expect(try first([("created", "gte:2026-01-31 12:00:00")])?.arguments == ["2026-01-31T12:00:00.000000".storedValue])
    }

    @Test(arguments: [("page", "0"), ("page", "x"), ("size", "0"), ("size", "10001"), ("logical_operator", "xor"),
                      ("sort_by", "desc:password"), ("sort_by", "sideways:name"), ("hydrate", "maybe")])
    func refusesBadControlParameters(_ item: (String, String)) {
        #expect(throws: ControlPlaneError.self) { try query([item]) }
    }

    @Test func filtersAreNamedByFieldNotColumn() throws {
        let filter = try query([("index", "gte:3")]).conditions.first
        guard case let .field(field)? = filter else { Issue.record("not a field filter: \(String(describing: filter))"); return }
        #expect(field == FieldFilter("index", .greaterOrEqual, [.integer(3)]))
    }

    @Test func userFiltersWaitForIdentityAndScopeUserIsAnOwnerFilter() throws {
        let owned = ResourceSchema(table: "pipelines", noun: "pipeline", projectScoped: true, fields: ["user_id": ("t.user_id", .uuid)])
        let byUser = try ListQuery([("user", "Ada")], schema: owned).conditions.first
        guard case let .account(field, nameOrID)? = byUser else { Issue.record("user= is not an account filter"); return }
        #expect(field == "user_id" && nameOrID == "Ada")
        #expect(throws: UnknownRecordField.self) { try byUser?.sqlite(owned) }
        let scoped = try ListQuery([("scope_user", "ABC")], schema: owned).conditions.first
        #expect(try scoped?.sqlite(owned).sql == "t.user_id = ?")
        #expect(try scoped?.sqlite(owned).arguments == ["abc".storedValue])
        // A list without owners takes neither.
        #expect(try query([("user", "Ada")]).conditions.isEmpty)
    }

    @Test func ignoresParametersItDoesNotKnow() throws {
        #expect(try query([("include_full_metadata", "False"), ("whatever", "1")]).conditions.isEmpty)
    }
}
