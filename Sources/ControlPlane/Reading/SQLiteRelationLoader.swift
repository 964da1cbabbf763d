import GRDB

/// The SQLite side of `PageRelations`: every waiting key of a kind loaded with one `IN (…)`
/// query inside the caller's read transaction.
enum SQLiteRelationLoader {
    /// Loads every waiting key but users (Identity's), and what the loaded records want in
    /// turn when rendered nested, until nothing more is wanted (a few rounds: relations are
    /// shallow), one query per kind and round.
    static func loadRecords(_ relations: inout PageRelations, db: GRDB.Database) throws {
        var rounds = 0
        while relations.isWaitingForRecords, rounds < 8 {
            let mark = relations.loadMark
            try relations.load(db)
            try relations.followLoaded(since: mark)
            rounds += 1
        }
    }
}

extension SQLiteRelationLoader {
    /// `?, ?, …` for `count` arguments.
    static func marks(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ", ")
    }

    /// Rows of `sql` (which ends in `IN (` … `)` over `ids`) grouped by the column `key`.
    /// `leading` are the arguments bound before the list (a resource type, a direction).
    static func grouped(_ db: GRDB.Database, _ sql: (String) -> String, leading: [String] = [], ids: [String], key: String) throws -> [String: [StoredRow]] {
        guard let last = ids.last else { return [:] }
        // Compiled once per connection and shape: the list is padded (with its last id) to a
        // power of two, so pages of any size share a handful of shapes and no client can fill
        // the statement cache.
        var padded = ids
        let width = 1 << (Int.bitWidth - (ids.count - 1).leadingZeroBitCount)
        padded += Array(repeating: last, count: max(0, width - ids.count))
        let rows = try Row.fetchAll(db.cachedStatement(sql: sql(marks(padded.count))), arguments: StatementArguments(leading + padded))
        var result: [String: [StoredRow]] = [:]
        for row in rows {
            let owner: String = try row.decode(forColumn: key)
            result[owner, default: []].append(StoredRow(row))
        }
        return result
    }
}

extension PageRelations {
    /// Loads every waiting key but users, one query per kind (and per table, column or direction).
    mutating func load(_ db: GRDB.Database) throws {
        try loadLatestRuns(db)
        try loadTags(db)
        try loadRows(db)
        try loadLogs(db)
        try loadSteps(db)
        try loadLatestVersions(db)
        try loadStacks(db)
    }

    private mutating func loadLatestRuns(_ db: GRDB.Database) throws {
        var loaded: [RelationKey: LatestRun?] = [:]
        for (column, keys) in latestRuns.wantedGroups(by: \.group) {
            let owners = column == "pipeline_id" ? "pipelines" : "pipeline_snapshots"
            let found = try SQLiteRelationLoader.grouped(db, { """
                SELECT o.id AS owner, r.id, r.status, r.user_id FROM \(owners) o
                JOIN pipeline_runs r ON r.id = (SELECT n.id FROM pipeline_runs n WHERE n.\(column) = o.id ORDER BY n.created DESC, n.id DESC LIMIT 1)
                WHERE o.id IN (\($0))
                """ }, ids: keys.map(\.id), key: "owner")
            for (owner, rows) in found {
                guard let row = rows.first else { continue }
                loaded[RelationKey(group: column, id: owner)] = LatestRun(id: try row.decode(forColumn: "id"), status: try row.decode(forColumn: "status"),
                                                                          userID: try row.decode(forColumn: "user_id"))
            }
        }
        latestRuns.fill(loaded, missing: nil)
    }

    private mutating func loadTags(_ db: GRDB.Database) throws {
        var loaded: [RelationKey: [StoredRow]] = [:]
        for (kind, keys) in tags.wantedGroups(by: \.group) {
            let found = try SQLiteRelationLoader.grouped(db, { """
                SELECT l.resource_id AS owner, t.* FROM tags t JOIN tag_resources l ON l.tag_id = t.id
                WHERE l.resource_type = ? AND l.resource_id IN (\($0)) ORDER BY t.name
                """ }, leading: [kind], ids: keys.map(\.id), key: "owner")
            for (owner, rows) in found { loaded[RelationKey(group: kind, id: owner)] = rows }
        }
        tags.fill(loaded, missing: [])
        guard !tagCounts.wanted.isEmpty else { return }
        let counts = try SQLiteRelationLoader.grouped(db, { "SELECT tag_id, COUNT(*) AS n FROM tag_resources WHERE tag_id IN (\($0)) GROUP BY tag_id" },
                                      ids: Array(tagCounts.wanted), key: "tag_id")
        tagCounts.fill(try counts.mapValues { try $0.first?.decode(Int64.self, forColumn: "n") ?? 0 }, missing: 0)
    }

    private mutating func loadRows(_ db: GRDB.Database) throws {
        var loaded: [RelationKey: StoredRow?] = [:]
        for (table, keys) in rows.wantedGroups(by: \.group) {
            let found = try SQLiteRelationLoader.grouped(db, { "SELECT * FROM \(table) WHERE id IN (\($0))" }, ids: keys.map(\.id), key: "id")
            for (id, rows) in found { loaded[RelationKey(group: table, id: id)] = rows.first }
        }
        rows.fill(loaded, missing: nil)
    }

    private mutating func loadLogs(_ db: GRDB.Database) throws {
        var loaded: [RelationKey: [StoredRow]] = [:]
        for (column, keys) in logs.wantedGroups(by: \.group) {
            let found = try SQLiteRelationLoader.grouped(db, { "SELECT * FROM logs WHERE \(column) IN (\($0)) ORDER BY created, id" },
                                         ids: keys.map(\.id), key: column)
            for (owner, rows) in found { loaded[RelationKey(group: column, id: owner)] = rows }
        }
        logs.fill(loaded, missing: [])
    }

    private mutating func loadSteps(_ db: GRDB.Database) throws {
        if !substitutions.wanted.isEmpty {
            let found = try SQLiteRelationLoader.grouped(db, { "SELECT id, config FROM pipeline_runs WHERE id IN (\($0))" }, ids: Array(substitutions.wanted), key: "id")
            substitutions.fill(try found.mapValues { rows in
                JSONValue.parseStored(try rows.first?.decode(String?.self, forColumn: "config"))["substitutions"] ?? [:]
            }, missing: [:])
        }
        if !stepParents.wanted.isEmpty {
            let found = try SQLiteRelationLoader.grouped(db, { "SELECT step_run_id, parent_id FROM step_run_parents WHERE step_run_id IN (\($0)) ORDER BY rowid" },
                                         ids: Array(stepParents.wanted), key: "step_run_id")
            stepParents.fill(try found.mapValues { try $0.map { try $0.decode(String.self, forColumn: "parent_id") } }, missing: [])
        }
        var links: [RelationKey: [StoredRow]] = [:]
        for (direction, keys) in stepArtifacts.wantedGroups(by: \.group) {
            let found = try SQLiteRelationLoader.grouped(db, { """
                SELECT l.step_run_id AS link_step, l.name AS link_name, l.position AS link_position, l.input_type AS link_input_type, v.*
                FROM step_run_artifacts l JOIN artifact_versions v ON v.id = l.artifact_version_id
                WHERE l.direction = ? AND l.step_run_id IN (\($0)) ORDER BY l.name, l.position
                """ }, leading: [direction], ids: keys.map(\.id), key: "link_step")
            for (step, rows) in found { links[RelationKey(group: direction, id: step)] = rows }
        }
        stepArtifacts.fill(links, missing: [])
        if !producerRuns.wanted.isEmpty {
            let found = try SQLiteRelationLoader.grouped(db, { "SELECT id, pipeline_run_id FROM step_runs WHERE id IN (\($0))" }, ids: Array(producerRuns.wanted), key: "id")
            producerRuns.fill(try found.mapValues { try $0.first?.decode(String?.self, forColumn: "pipeline_run_id") }, missing: nil)
        }
    }

    private mutating func loadLatestVersions(_ db: GRDB.Database) throws {
        if !latestArtifactVersions.wanted.isEmpty {
            let found = try SQLiteRelationLoader.grouped(db, { """
                SELECT a.id AS owner, v.id, v.version AS name FROM artifacts a
                JOIN artifact_versions v ON v.id = (SELECT n.id FROM artifact_versions n WHERE n.artifact_id = a.id
                    ORDER BY n.version_number IS NULL, n.version_number DESC, n.created DESC LIMIT 1)
                WHERE a.id IN (\($0))
                """ }, ids: Array(latestArtifactVersions.wanted), key: "owner")
            latestArtifactVersions.fill(try found.mapValues(Self.latestVersion), missing: nil)
        }
        if !latestModelVersions.wanted.isEmpty {
            let found = try SQLiteRelationLoader.grouped(db, { """
                SELECT m.id AS owner, v.id, v.name FROM models m
                JOIN model_versions v ON v.id = (SELECT n.id FROM model_versions n WHERE n.model_id = m.id ORDER BY n.number DESC LIMIT 1)
                WHERE m.id IN (\($0))
                """ }, ids: Array(latestModelVersions.wanted), key: "owner")
            latestModelVersions.fill(try found.mapValues(Self.latestVersion), missing: nil)
        }
    }

    static func latestVersion(_ rows: [StoredRow]) throws -> LatestVersion? {
        guard let row = rows.first else { return nil }
        return LatestVersion(id: try row.decode(forColumn: "id"), name: try row.decode(forColumn: "name"))
    }

    private mutating func loadStacks(_ db: GRDB.Database) throws {
        if !flavors.wanted.isEmpty {
            // One query whatever the types: flavors are few, names repeat across types.
            let names = Array(Set(flavors.wanted.map(\.id)))
            let found = try SQLiteRelationLoader.grouped(db, { "SELECT * FROM flavors WHERE name IN (\($0))" }, ids: names, key: "name")
            var loaded: [RelationKey: StoredRow?] = [:]
            for row in found.values.joined() {
                loaded[RelationKey(group: try row.decode(forColumn: "type"), id: try row.decode(forColumn: "name"))] = row
            }
            flavors.fill(loaded, missing: nil)
        }
        guard !stackComponents.wanted.isEmpty else { return }
        let found = try SQLiteRelationLoader.grouped(db, { """
            SELECT s.stack_id AS owner_stack, c.* FROM stack_components c JOIN stack_composition s ON s.component_id = c.id
            WHERE s.stack_id IN (\($0)) ORDER BY c.type, c.created
            """ }, ids: Array(stackComponents.wanted), key: "owner_stack")
        stackComponents.fill(found, missing: [])
    }
}
