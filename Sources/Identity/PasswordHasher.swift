import HummingbirdBcrypt
import NIOPosix

/// bcrypt for passwords, run on NIO's thread pool so a login never blocks request handling.
public struct PasswordHasher: Sendable {
    /// bcrypt work factor; 12 by default (about a quarter of a second per hash here).
    public let cost: UInt8

    /// Creates a hasher with the given bcrypt cost (clamped to 4...31).
    public init(cost: UInt8 = 12) {
        self.cost = min(max(cost, 4), 31)
    }

    /// Why `password` is refused, or nil. bcrypt silently ignores bytes past 72, so longer ones are refused.
    public static func problem(with password: String) -> String? {
        if password.isEmpty { return "password must not be empty" }
        if password.utf8.count > 72 { return "password must be at most 72 bytes" }
        if password.utf8.contains(0) { return "password must not contain NUL" }
        return nil
    }

    /// The bcrypt hash of `password`.
    public func hash(_ password: String) async throws -> String {
        let cost = self.cost
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    /// The work factor a bcrypt hash was made with (`$2b$12$…` → 12), or nil.
    public static func cost(of hash: String) -> UInt8? {
        let parts = hash.split(separator: "$")
        return parts.count >= 3 ? UInt8(parts[1]) : nil
    }

    /// Whether `password` matches `hash`.
    public func verify(_ password: String, hash: String) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
    }
}
