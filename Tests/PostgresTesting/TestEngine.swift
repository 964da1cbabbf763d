import Testing

/// The engines repositories run on: every contract suite runs its tests on each
/// (PostgreSQL on the cluster `make test` starts; always on CI, where its absence fails).
public enum TestEngine: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres

    /// The engines this run tests.
    public static var tested: [TestEngine] { TestPostgres.enabled ? [.sqlite, .postgres] : [.sqlite] }

    public var testDescription: String { rawValue }
}
