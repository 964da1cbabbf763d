import Foundation

/// `enclave secrets rotate-key`: a new primary key in the keyring file, then every value
/// re-wrapped onto it in small batches while the server keeps serving. A running server
/// re-reads the file on its next seal; each re-wrap replaces a row only if nobody wrote it
/// meanwhile, so a concurrent write is never lost.
public enum SecretKeyRotation {
    /// What one rotation did.
    public struct Outcome: Sendable, Equatable {
        public let newKeyID: String
        public let rewrapped: Int
        public let seconds: Double
    }

    /// Adds a key to the ring at `keyringPath`, re-wraps `backend`'s values onto it and
    /// audits the rotation; `progress` hears (values on the new key, values to move) after each batch.
    public static func rotate(keyringPath: String, backend: EncryptedSecretBackend, audit: any AuditTrail,
                              by caller: SecretCaller = .localOperator, batchSize: Int = 500,
                              progress: (Int, Int) -> Void = { _, _ in }) async throws -> Outcome {
        let started = Date()
        let rotated = try Keyring.load(path: keyringPath).addingKey()
        try rotated.save(path: keyringPath)
        _ = try await audit.append(AuditEntry(actor: caller.auditName, action: "rotate-key", secretID: nil, address: caller.address,
                                              outcome: "new primary key \(rotated.primaryID)"))
        guard try backend.cipher.keyring.primaryID == rotated.primaryID else {
            throw SecretsError.keyring("the keyring \(keyringPath) did not take the new key")
        }
        var remaining = try await backend.valuesToRewrap()
        let total = remaining
        var done = 0
        progress(0, total)
        var idle = 0
        while remaining > 0 {
            let moved = try await backend.rewrapBatch(limit: batchSize)
            done += moved
            remaining = try await backend.valuesToRewrap()
            // Concurrent writes move values onto the new key too: progress is what is left.
            progress(max(0, total - remaining), total)
            // A batch that moved nothing lost every row to a concurrent writer (which
            // sealed it under the new key); try again, but never forever.
            idle = moved == 0 ? idle + 1 : 0
            if idle > 0 {
                guard idle < 50 else { throw SecretsError.keyring("\(remaining) values keep changing under the rotation; run it again") }
                try await Task.sleep(for: .milliseconds(20))
            }
            if remaining == 0 {
                // A write the server sealed just before it saw the new key may land now: look once more.
                try await Task.sleep(for: .milliseconds(250))
                remaining = try await backend.valuesToRewrap()
            }
        }
        _ = try await audit.append(AuditEntry(actor: caller.auditName, action: "rotate-key", secretID: nil, address: caller.address,
                                              outcome: "ok: \(done) values re-wrapped"))
        return Outcome(newKeyID: rotated.primaryID, rewrapped: done, seconds: Date().timeIntervalSince(started))
    }
}

/// `enclave secrets verify`: opens every value of every secret and reports what does not.
public enum SecretVerification {
    /// What the check found.
    public struct Report: Sendable, Equatable {
        public var secrets = 0
        public var values = 0
        /// Secret id and the reason, for each secret whose values do not open.
        public var failures: [(String, String)] = []
        public static func == (a: Report, b: Report) -> Bool {
            a.secrets == b.secrets && a.values == b.values && a.failures.map(\.0) == b.failures.map(\.0)
        }
    }

    /// Walks all records of `records` and opens their values in `backend`.
    public static func run(records: any SecretRepository, backend: any SecretBackend, pageSize: Int = 500) async throws -> Report {
        var report = Report()
        var after: String?
        while true {
            let ids = try await records.ids(after: after, limit: pageSize)
            guard let last = ids.last else { return report }
            for id in ids {
                report.secrets += 1
                do {
                    report.values += try await backend.values(secretID: id).count
                } catch let error as SecretsError {
                    report.failures.append((id, "\(error)"))
                }
            }
            after = last
        }
    }
}
