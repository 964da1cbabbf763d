import GRDB
@_spi(SQLiteImplementation) @testable import Storage
import Testing

/// Engine-neutral list filters as SQLite runs them, on a real in-memory database.
@Suite struct SQLiteFieldFilterTests {
    func names(_ filters: [FieldFilter], matchAny: Bool = false, sort: String = "name", descending: Bool = false) throws -> [String] {
        let queue = try DatabaseQueue()
        let request = RecordPageRequest(filters: filters, matchAny: matchAny, sortField: sort, descending: descending, limit: 100)
        let columns = ["name": "name", "size": "size", "note": "note"]
        let (filter, arguments) = try SQLiteFieldFilter.whereClause(request.filters, matchAny: request.matchAny, columns: columns)
        let order = try SQLiteFieldFilter.orderClause(request, columns: columns, idColumn: "id")
        return try queue.write { db in
            try db.execute(sql: "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, size INTEGER, note TEXT)")
            for (name, size, note) in [("a_b", 1, "x"), ("axb", 2, nil), ("50%", 3, "y"), ("c", 4, nil)] as [(String, Int, String?)] {
                try db.execute(sql: "INSERT INTO items (name, size, note) VALUES (?, ?, ?)", arguments: [name, size, note])
            }
            return try String.fetchAll(db, sql: "SELECT name FROM items \(filter.isEmpty ? "" : "WHERE \(filter)") \(order)",
                                       arguments: arguments.statementArguments)
        }
    }

    @Test func wildcardsInTextMatchOnlyThemselves() throws {
        #expect(try names([FieldFilter("name", .contains, [.text("_")])]) == ["a_b"])
        #expect(try names([FieldFilter("name", .endsWith, [.text("%")])]) == ["50%"])
        #expect(try names([FieldFilter("name", .notContains, [.text("a")])]) == ["50%", "c"])
    }

    @Test func emptyListsMatchNothingOrEverything() throws {
        #expect(try names([FieldFilter("name", .oneOf)]).isEmpty)
        #expect(try names([FieldFilter("name", .notOneOf)]).count == 4)
    }

    @Test func filtersJoinByAllOrAnyAndOrderIsStable() throws {
        let small = FieldFilter("size", .lessOrEqual, [.integer(2)]), noted = FieldFilter("note", .isNotNull)
        #expect(try names([small, noted]) == ["a_b"])
        #expect(try names([small, noted], matchAny: true, sort: "size", descending: true) == ["50%", "axb", "a_b"])
        #expect(try names([FieldFilter("size", .between, [.integer(2), .integer(3)])], sort: "size") == ["axb", "50%"])
    }

    @Test func unknownFieldsAreRefusedNotSpliced() {
        #expect(throws: UnknownRecordField.self) { try names([FieldFilter("name; DROP TABLE items", .equals, [.text("a")])]) }
        #expect(throws: UnknownRecordField.self) { try names([], sort: "password") }
    }
}
