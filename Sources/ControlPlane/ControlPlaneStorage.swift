/// The control plane's storage, one repository per domain: what `ZenMLAPI` reads and writes
/// through. Handlers never see a database, so another engine's bundle can stand in for SQLite.
public struct ControlPlaneStorage: Sendable {
    let reads: any ResourceReader
    let projects: any ProjectRepository
    let stacks: any StackRepository
    let pipelines: any PipelineRepository
    let runs: any RunRepository
    let artifacts: any ArtifactRepository
    let logs: any LogsRepository
    let metadata: any RunMetadataRepository
    let hooks: any HookInvocationRepository
    let models: any ModelRepository
    let tags: any TagRepository
    let ledger: any IdempotencyLedger
    let content: any ArtifactContentRepository
    /// Creates what a fresh server must hold (project and stack `default`, the flavors).
    let seedDefaults: @Sendable () async throws -> Void

    /// Marks triggered runs failed when they ended without saying so (their process died,
    /// their agent was lost, they were stopped before they started).
    public var triggeredRunFailures: TriggeredRunFailures { TriggeredRunFailures(runs: runs) }

    /// Makes whatever default object a fresh server must hold and this one lacks (project and
    /// stack `default`, the built-in flavors); every replica may call it at start.
    public func seed() async throws { try await seedDefaults() }
}
