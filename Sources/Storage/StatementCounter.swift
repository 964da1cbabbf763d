import Synchronization

/// A count of executed SQL statements, shared by every connection of one database.
public final class StatementCounter: Sendable {
    private let count = Atomic<Int>(0)

    /// Creates a counter at zero.
    public init() {}

    /// Counts one more statement.
    func increment() { count.add(1, ordering: .relaxed) }

    /// Statements counted so far.
    public var value: Int { count.load(ordering: .relaxed) }
}
