@testable import ControlPlane
import GRDB
import Identity
@_spi(SQLiteImplementation) import Storage
import Testing

/// The typed records against the migrated schema: each reads every column its table has
/// (a migration that renames or drops one fails here, not in a response), and a damaged
/// value is an error naming the column, never a crash.
@Suite struct StoredRecordTests {
    static let recordTypes: [any StoredRecord.Type] = [
        ProjectRecord.self, StackRecord.self, StackComponentRecord.self, FlavorRecord.self, PipelineRecord.self,
        PipelineSnapshotRecord.self, PipelineRunRecord.self, StepRunRecord.self, LogsRecord.self, HookInvocationRecord.self,
        ArtifactRecord.self, ArtifactVersionRecord.self, ModelRecord.self, ModelVersionRecord.self,
        ModelVersionArtifactLink.self, ModelVersionRunLink.self, TagRecord.self, TagResourceRecord.self,
    ]

    /// (name, declared type, NOT NULL) of each column of `table` in the migrated schema.
    static func columns(of table: String) throws -> [(name: String, type: String, required: Bool)] {
        let store = try StateStore.inMemory(migrationSets: [IdentityMigrations.set, ControlPlaneMigrations.set])
        return try store.database.read { db in
            try Row.fetchAll(db, sql: "SELECT name, type, \"notnull\" OR pk > 0 AS required FROM pragma_table_info(?)", arguments: [table]).map {
                (try $0.decode(String.self, forColumn: "name"), try $0.decode(String.self, forColumn: "type"),
                 try $0.decode(Bool.self, forColumn: "required"))
            }
        }
    }

    /// A row of `table` with a value of its declared type in every column.
    static func fullRow(of table: String, leaving omitted: String? = nil, with replaced: [String: StoredValue] = [:]) throws -> StoredRow {
        var values: [String: StoredValue] = [:]
        for column in try columns(of: table) where column.name != omitted {
            values[column.name] = replaced[column.name] ?? (column.type == "INTEGER" ? .integer(1) : .text("x"))
        }
        return StoredRow(values)
    }

    @Test(arguments: recordTypes.map { ObjectIdentifier($0) })
    func everyRecordReadsItsTablesColumns(_ identifier: ObjectIdentifier) throws {
        let type = try #require(Self.recordTypes.first { ObjectIdentifier($0) == identifier })
        let columns = try Self.columns(of: type.table)
        #expect(!columns.isEmpty, "\(type.table) is not a table of the schema")
        let record = try type.init(try Self.fullRow(of: type.table))
        // Field for column, both ways: an optional field misnamed would otherwise read null.
        let fields = Mirror(reflecting: record).children.compactMap { $0.label.map(StoredRowDecoder.column) }
        #expect(Set(fields) == Set(columns.map(\.name)), "\(type) and \(type.table)")
        for required in columns where required.required {
            #expect(throws: StoredValueMismatch.self, "\(type).\(required.name) may be missing") {
                try type.init(try Self.fullRow(of: type.table, leaving: required.name))
            }
        }
    }

    @Test func aDamagedValueIsAnErrorNamingItsColumn() throws {
        let row = try Self.fullRow(of: "pipeline_runs", with: ["run_index": .text("seven")])
        let error = try #require(throws: StoredValueMismatch.self) { try PipelineRunRecord(row) }
        #expect(error.column == "run_index")
    }
}
