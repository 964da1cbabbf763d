import Foundation
@testable import Identity
import Storage
import Testing

/// A failed login must not tell whether the name exists: an unknown name is checked
/// against a decoy hash of the configured cost, kept in the database, so both failures
/// cost one bcrypt of the same work factor, the first one after a restart included.
@Suite(.serialized) struct LoginTimingTests {
    static let cost: UInt8 = 10

    func seconds(_ work: () async throws -> Void) async -> Double {
        let start = ContinuousClock.now
        try? await work()
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    /// The quickest of several interleaved samples: other suites share the two cores, and
    /// contention only ever adds time, so the minimum is what the code itself costs.
    func fastest(_ values: [Double]) -> Double { values.min() ?? 0 }

    @Test func unknownAndKnownNamesFailInTheSameTime() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("timing-\(UUID().uuidString).sqlite").path
        let first = try IdentityStore(store: try StateStore(path: path, migrationSets: [IdentityMigrations.set]),
                                      hasher: PasswordHasher(cost: Self.cost))
        var draft = AccountDraft(name: "alice", role: .editor)
        draft.password = "Correct-Horse-1"
        _ = try await first.createAccount(draft)
        let decoy = try await first.decoyHash.value
        #expect(PasswordHasher.cost(of: decoy) == Self.cost)

        // A restart: the decoy is read back, not made again, so the first unknown-name login
        // after it pays nothing extra (no timing assertion on one sample: it would be flaky).
        let identity = try IdentityStore(store: try StateStore(path: path, migrationSets: [IdentityMigrations.set]),
                                         hasher: PasswordHasher(cost: Self.cost))
        #expect(try await identity.decoyHash.value == decoy)

        let firstUnknown = await seconds { _ = try await identity.login(username: "mallory", password: "guess") }
        var known: [Double] = [], unknown: [Double] = [firstUnknown]
        for round in 0..<10 {
            known.append(await seconds { _ = try await identity.login(username: "alice", password: "wrong-\(round)") })
            unknown.append(await seconds { _ = try await identity.login(username: "nobody-\(round)", password: "guess") })
        }
        let ratio = fastest(unknown) / fastest(known)
        #expect(ratio > 0.5 && ratio < 2.0, "unknown \(fastest(unknown)) s vs known \(fastest(known)) s")

        // Another cost: a decoy of the old cost would answer unknown names faster or slower.
        let recosted = try IdentityStore(store: try StateStore(path: path, migrationSets: [IdentityMigrations.set]),
                                         hasher: PasswordHasher(cost: Self.cost - 2))
        #expect(PasswordHasher.cost(of: try await recosted.decoyHash.value) == Self.cost - 2)
    }
}
