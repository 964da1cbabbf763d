import Crypto
import Foundation

/// One thing done to a secret: who, from where, what, to which secret, and how it ended.
/// Never the value.
public struct AuditEntry: Sendable, Equatable {
    public let actor: String
    public let action: String
    public let secretID: String?
    public let address: String?
    public let outcome: String

    public init(actor: String, action: String, secretID: String?, address: String?, outcome: String) {
        self.actor = actor; self.action = action; self.secretID = secretID; self.address = address; self.outcome = outcome
    }
}

/// An entry as stored: numbered from 1, timed, and chained — its hash covers its fields and
/// the previous record's hash, so an edited, inserted or deleted record breaks the chain.
public struct AuditRecord: Sendable, Equatable {
    public let sequence: Int64
    public let at: String
    public let entry: AuditEntry
    public let previousHash: String
    public let hash: String

    /// The hash before the first record.
    public static let genesis = String(repeating: "0", count: 64)

    /// The hash of a record's fields and its predecessor's hash; every field is
    /// length-prefixed so no two different records hash the same text.
    public static func hash(sequence: Int64, at: String, entry: AuditEntry, previousHash: String) -> String {
        let fields = [String(sequence), at, entry.actor, entry.action, entry.secretID ?? "\u{0}", entry.address ?? "\u{0}", entry.outcome, previousHash]
        var text = ""
        for field in fields { text += "\(field.utf8.count):\(field)|" }
        return SHA256.hash(data: Data(text.utf8)).map { $0 < 16 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }
}

/// What checking the chain found: all intact, or the first record that is not as written.
public enum AuditVerdict: Sendable, Equatable {
    case intact(records: Int)
    case broken(sequence: Int64, reason: String)
}

/// The append-only audit log of the secret store.
public protocol AuditTrail: Sendable {
    /// Appends `entry` after the current last record (numbered and chained by the store).
    func append(_ entry: AuditEntry) async throws -> AuditRecord
    /// Records after `sequence`, oldest first, at most `limit`.
    func records(after sequence: Int64, limit: Int) async throws -> [AuditRecord]
}

extension AuditTrail {
    /// Walks the whole chain; names the first record that was edited, inserted out of
    /// order, or follows a deleted one. (Cutting records off the end leaves a shorter,
    /// intact chain: the count and last hash are worth keeping apart where that matters.)
    public func verify(pageSize: Int = 1000) async throws -> AuditVerdict {
        var previous = AuditRecord.genesis
        var expected: Int64 = 1
        var count = 0
        while true {
            let page = try await records(after: expected - 1, limit: pageSize)
            if page.isEmpty { return .intact(records: count) }
            for record in page {
                if record.sequence != expected {
                    return .broken(sequence: expected, reason: "record \(expected) is missing (the next one is \(record.sequence))")
                }
                if record.previousHash != previous {
                    return .broken(sequence: record.sequence, reason: "record \(record.sequence) does not follow record \(record.sequence - 1)")
                }
                if AuditRecord.hash(sequence: record.sequence, at: record.at, entry: record.entry, previousHash: record.previousHash) != record.hash {
                    return .broken(sequence: record.sequence, reason: "record \(record.sequence) was changed after it was written")
                }
                previous = record.hash
                expected += 1
                count += 1
            }
        }
    }
}
