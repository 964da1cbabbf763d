import PostgresNIO
import Storage

/// The PostgreSQL side of `PageRelations`: every waiting key of a kind loaded with one
/// `= ANY($n)` query inside the caller's snapshot, ordered as SQLite orders them.
enum PostgresRelationLoader {
    /// Loads every waiting key but users (Identity's), and what the loaded records want in
    /// turn, until nothing more is wanted (a few rounds: relations are shallow).
    static func loadRecords(_ relations: inout PageRelations, store: PostgresStore, on connection: PostgresConnection) async throws {
        var rounds = 0
        while relations.isWaitingForRecords, rounds < 8 {
            let mark = relations.loadMark
            try await relations.load(store: store, on: connection)
            try relations.followLoaded(since: mark)
            rounds += 1
        }
    }

    /// Rows of `sql` (given the mark of the id array) grouped by the column `key`; `leading`
    /// are text values bound before the ids (a resource type, a direction), as `$1`….
    static func grouped(_ store: PostgresStore, _ connection: PostgresConnection, _ sql: (String) -> String,
                        leading: [String] = [], ids: [String], key: String) async throws -> [String: [StoredRow]] {
        guard !ids.isEmpty else { return [:] }
        var statement = PostgresStatement()
        for value in leading { _ = statement.bind(value) }
        let idsMark = statement.bind(ids)
        var result: [String: [StoredRow]] = [:]
        for row in try await store.rows(statement.query(sql(idsMark)), on: connection) {
            let stored = try StoredRow(postgres: row)
            result[try stored.decode(String.self, forColumn: key), default: []].append(stored)
        }
        return result
    }
}

extension PageRelations {
    /// Loads every waiting key but users, one query per kind (and per table, column or direction).
    mutating func load(store: PostgresStore, on connection: PostgresConnection) async throws {
        let grouped = { (sql: (String) -> String, leading: [String], ids: [String], key: String) in
            try await PostgresRelationLoader.grouped(store, connection, sql, leading: leading, ids: ids, key: key)
        }
        try await loadLatestRuns(grouped)
        try await loadTags(grouped)
        try await loadRows(grouped)
        try await loadSteps(grouped)
        try await loadLatestVersions(grouped)
        try await loadStacks(grouped)
    }

    /// One grouped read: SQL around the ids' mark, leading values, the ids, the grouping column.
    typealias GroupedRead = ((String) -> String, [String], [String], String) async throws -> [String: [StoredRow]]

    private mutating func loadLatestRuns(_ grouped: GroupedRead) async throws {
        var loaded: [RelationKey: LatestRun?] = [:]
        for (column, keys) in latestRuns.wantedGroups(by: \.group) {
            let owners = column == "pipeline_id" ? "pipelines" : "pipeline_snapshots"
            let found = try await grouped({ """
                SELECT o.id AS owner, r.id, r.status, r.user_id FROM \(owners) o
                JOIN pipeline_runs r ON r.id = (SELECT n.id FROM pipeline_runs n WHERE n.\(column) = o.id
                    ORDER BY n.created COLLATE "C" DESC, n.id COLLATE "C" DESC LIMIT 1)
                WHERE o.id = ANY(\($0))
                """ }, [], keys.map(\.id), "owner")
            for (owner, rows) in found {
                guard let row = rows.first else { continue }
                loaded[RelationKey(group: column, id: owner)] = LatestRun(id: try row.decode(forColumn: "id"), status: try row.decode(forColumn: "status"),
                                                                          userID: try row.decode(forColumn: "user_id"))
            }
        }
        latestRuns.fill(loaded, missing: nil)
    }

    private mutating func loadTags(_ grouped: GroupedRead) async throws {
        var loaded: [RelationKey: [StoredRow]] = [:]
        for (kind, keys) in tags.wantedGroups(by: \.group) {
            let found = try await grouped({ """
                SELECT l.resource_id AS owner, t.* FROM tags t JOIN tag_resources l ON l.tag_id = t.id
                WHERE l.resource_type = $1 AND l.resource_id = ANY(\($0)) ORDER BY t.name COLLATE "C"
                """ }, [kind], keys.map(\.id), "owner")
            for (owner, rows) in found { loaded[RelationKey(group: kind, id: owner)] = rows }
        }
        tags.fill(loaded, missing: [])
        guard !tagCounts.wanted.isEmpty else { return }
        let counts = try await grouped({ "SELECT tag_id, COUNT(*) AS n FROM tag_resources WHERE tag_id = ANY(\($0)) GROUP BY tag_id" },
                                       [], Array(tagCounts.wanted), "tag_id")
        tagCounts.fill(try counts.mapValues { try $0.first?.decode(Int64.self, forColumn: "n") ?? 0 }, missing: 0)
    }

    private mutating func loadRows(_ grouped: GroupedRead) async throws {
        var loaded: [RelationKey: StoredRow?] = [:]
        for (table, keys) in rows.wantedGroups(by: \.group) {
            let found = try await grouped({ "SELECT * FROM \(table) WHERE id = ANY(\($0))" }, [], keys.map(\.id), "id")
            for (id, rows) in found { loaded[RelationKey(group: table, id: id)] = rows.first }
        }
        rows.fill(loaded, missing: nil)
        var logRows: [RelationKey: [StoredRow]] = [:]
        for (column, keys) in logs.wantedGroups(by: \.group) {
            let found = try await grouped({ "SELECT * FROM logs WHERE \(column) = ANY(\($0)) ORDER BY created COLLATE \"C\", id COLLATE \"C\"" },
                                          [], keys.map(\.id), column)
            for (owner, rows) in found { logRows[RelationKey(group: column, id: owner)] = rows }
        }
        logs.fill(logRows, missing: [])
    }

    private mutating func loadSteps(_ grouped: GroupedRead) async throws {
        if !substitutions.wanted.isEmpty {
            let found = try await grouped({ "SELECT id, config FROM pipeline_runs WHERE id = ANY(\($0))" }, [], Array(substitutions.wanted), "id")
            substitutions.fill(try found.mapValues { rows in
                JSONValue.parseStored(try rows.first?.decode(String?.self, forColumn: "config"))["substitutions"] ?? [:]
            }, missing: [:])
        }
        if !stepParents.wanted.isEmpty {
            let found = try await grouped({ "SELECT step_run_id, parent_id FROM step_run_parents WHERE step_run_id = ANY(\($0)) ORDER BY position" },
                                          [], Array(stepParents.wanted), "step_run_id")
            stepParents.fill(try found.mapValues { try $0.map { try $0.decode(String.self, forColumn: "parent_id") } }, missing: [])
        }
        var links: [RelationKey: [StoredRow]] = [:]
        for (direction, keys) in stepArtifacts.wantedGroups(by: \.group) {
            let found = try await grouped({ """
                SELECT l.step_run_id AS link_step, l.name AS link_name, l.position AS link_position, l.input_type AS link_input_type, v.*
                FROM step_run_artifacts l JOIN artifact_versions v ON v.id = l.artifact_version_id
                WHERE l.direction = $1 AND l.step_run_id = ANY(\($0)) ORDER BY l.name COLLATE "C", l.position
                """ }, [direction], keys.map(\.id), "link_step")
            for (step, rows) in found { links[RelationKey(group: direction, id: step)] = rows }
        }
        stepArtifacts.fill(links, missing: [])
        if !producerRuns.wanted.isEmpty {
            let found = try await grouped({ "SELECT id, pipeline_run_id FROM step_runs WHERE id = ANY(\($0))" }, [], Array(producerRuns.wanted), "id")
            producerRuns.fill(try found.mapValues { try $0.first?.decode(String?.self, forColumn: "pipeline_run_id") }, missing: nil)
        }
    }

    private mutating func loadLatestVersions(_ grouped: GroupedRead) async throws {
        if !latestArtifactVersions.wanted.isEmpty {
            let found = try await grouped({ """
                SELECT a.id AS owner, v.id, v.version AS name FROM artifacts a
                JOIN artifact_versions v ON v.id = (SELECT n.id FROM artifact_versions n WHERE n.artifact_id = a.id
                    ORDER BY n.version_number IS NULL, n.version_number DESC, n.created COLLATE "C" DESC LIMIT 1)
                WHERE a.id = ANY(\($0))
                """ }, [], Array(latestArtifactVersions.wanted), "owner")
            latestArtifactVersions.fill(try found.mapValues(Self.latestVersion), missing: nil)
        }
        if !latestModelVersions.wanted.isEmpty {
            let found = try await grouped({ """
                SELECT m.id AS owner, v.id, v.name FROM models m
                JOIN model_versions v ON v.id = (SELECT n.id FROM model_versions n WHERE n.model_id = m.id ORDER BY n.number DESC LIMIT 1)
                WHERE m.id = ANY(\($0))
                """ }, [], Array(latestModelVersions.wanted), "owner")
            latestModelVersions.fill(try found.mapValues(Self.latestVersion), missing: nil)
        }
    }

    private mutating func loadStacks(_ grouped: GroupedRead) async throws {
        if !flavors.wanted.isEmpty {
            let names = Array(Set(flavors.wanted.map(\.id)))
            let found = try await grouped({ "SELECT * FROM flavors WHERE name = ANY(\($0))" }, [], names, "name")
            var loaded: [RelationKey: StoredRow?] = [:]
            for row in found.values.joined() {
                loaded[RelationKey(group: try row.decode(forColumn: "type"), id: try row.decode(forColumn: "name"))] = row
            }
            flavors.fill(loaded, missing: nil)
        }
        guard !stackComponents.wanted.isEmpty else { return }
        let found = try await grouped({ """
            SELECT s.stack_id AS owner_stack, c.* FROM stack_components c JOIN stack_composition s ON s.component_id = c.id
            WHERE s.stack_id = ANY(\($0)) ORDER BY c.type COLLATE "C", c.created COLLATE "C"
            """ }, [], Array(stackComponents.wanted), "owner_stack")
        stackComponents.fill(found, missing: [])
    }
}
