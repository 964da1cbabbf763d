@testable import ControlPlane
import GRDB
import Testing

@Suite struct ListQueryTests {
    let schema = ResourceSchema(table: "pipelines", noun: "pipeline", projectScoped: true, fields: [
        "name": ("t.name", .string), "index": ("t.run_index", .int), "active": ("t.active", .bool),
    ])

    func query(_ items: [(String, String)]) throws -> ListQuery { try ListQuery(items, schema: schema) }

    @Test func readsPagingSortingAndHydration() throws {
        let q = try query([("page", "3"), ("size", "7"), ("sort_by", "desc:name"), ("hydrate", "True"), ("logical_operator", "or")])
        #expect(q.page == 3 && q.size == 7 && q.sortSQL == "t.name" && q.descending && q.hydrate && q.matchAny)
    }

    @Test func bareValueMeansEquals() throws {
        let q = try query([("name", "mini")])
        #expect(q.conditions.first?.sql == "t.name = ?")
        #expect(q.conditions.first?.arguments == ["mini".storedValue])
    }

    @Test func unknownOperatorPrefixIsPartOfTheValue() throws {
        let q = try query([("name", "team:mini")])
        #expect(q.conditions.first?.arguments == ["team:mini".storedValue])
    }

    @Test func likeOperatorsEscapeWildcards() throws {
        let q = try query([("name", "contains:50%_off")])
        #expect(q.conditions.first?.sql == "t.name LIKE ? ESCAPE '\\'")
        #expect(q.conditions.first?.arguments == ["%50\\%\\_off%".storedValue])
        #expect(try query([("name", "startswith:ab")]).conditions.first?.arguments == ["ab%".storedValue])
    }

    @Test func oneofTakesAJSONList() throws {
        let q = try query([("name", #"oneof:["a","b"]"#)])
        #expect(q.conditions.first?.sql == "t.name IN (?,?)")
        #expect(throws: ControlPlaneError.self) { try query([("name", "oneof:a,b")]) }
    }

    @Test func nullOperatorsTakeNoValue() throws {
        #expect(try query([("name", "isnull:")]).conditions.first?.sql == "t.name IS NULL")
        #expect(throws: ControlPlaneError.self) { try query([("name", "isnull:x")]) }
    }

    @Test func typedFieldsRejectValuesOfTheWrongKind() {
        #expect(throws: ControlPlaneError.self) { try query([("index", "gt:many")]) }
        #expect(throws: ControlPlaneError.self) { try query([("active", "perhaps")]) }
        #expect(throws: ControlPlaneError.self) { try query([("created", "gt:yesterday")]) }
        #expect(throws: ControlPlaneError.self) { try query([("name", "gt:b")]) }
    }

    @Test func datetimeFiltersAcceptZenMLsFormat() throws {
        let q = try query([("created", "gte:2026-01-31 12:00:00")])
        #expect(q.conditions.first?.arguments == ["2026-01-31T12:00:00.000000".storedValue])
    }

    @Test(arguments: [("page", "0"), ("page", "x"), ("size", "0"), ("size", "10001"), ("logical_operator", "xor"),
                      ("sort_by", "desc:password"), ("sort_by", "sideways:name"), ("hydrate", "maybe")])
    func refusesBadControlParameters(_ item: (String, String)) {
        #expect(throws: ControlPlaneError.self) { try query([item]) }
    }

    @Test func ignoresParametersItDoesNotKnow() throws {
        #expect(try query([("include_full_metadata", "False"), ("whatever", "1")]).conditions.isEmpty)
    }
}
