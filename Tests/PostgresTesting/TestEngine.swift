import Testing

/// The engines repositories run on: every contract suite runs its tests on each
/// (PostgreSQL on the cluster `make test` starts; always on CI, where its absence fails).
public enum TestEngine: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres

    /// The engines this run tests.
    public static var tested: [TestEngine] { TestPostgres.enabled ? [.sqlite, .postgres] : [.sqlite] }

    public var testDescription: String { rawValue }
}

/// A test's own database on one engine: opened fresh, closed (and removed) after the test.
public protocol EngineFixture: Sendable {
    /// A fresh, migrated database on `engine`.
    static func open(_ engine: TestEngine) async throws -> Self
    /// Closes and removes the database.
    func close() async
}

extension EngineFixture {
    /// Runs `test` on a fresh database of `engine`, then removes it, whether or not it threw.
    public static func with(_ engine: TestEngine, _ test: (Self) async throws -> Void) async throws {
        let fixture = try await open(engine)
        do { try await test(fixture) } catch { await fixture.close(); throw error }
        await fixture.close()
    }
}
