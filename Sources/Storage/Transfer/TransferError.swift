/// Why copying one database into another (`enclave migrate`) stopped. Nothing in the
/// source changed; what the target already holds stays, and a rerun takes it up again.
public enum TransferError: Error, CustomStringConvertible {
    /// The source has a table the target lacks, or a column of it: the two are not one schema.
    case schemaMismatch(String)
    /// A value of the source that the target's column cannot hold as it is.
    case unfitValue(table: String, column: String, reason: String)
    /// The copy of a table reads back differently from its source.
    case verificationFailed(table: String, source: String, target: String)
    /// The target holds data that did not come from this source.
    case foreignTarget(String)
    /// Another `enclave migrate` is writing to the same target.
    case targetBusy
    /// The source changed while it was copied (a server still runs on it).
    case sourceChanged(table: String)
    /// Foreign keys that loop, so no table can be copied first.
    case circularReferences([String])

    public var description: String {
        switch self {
        case let .schemaMismatch(reason): "the source and the target schemas differ: \(reason)"
        case let .unfitValue(table, column, reason): "\(table).\(column): \(reason)"
        case let .verificationFailed(table, source, target):
            "the copy of \(table) does not match its source (source \(source), copy \(target))"
        case let .foreignTarget(reason): reason
        case .targetBusy: "another `enclave migrate` is writing to this database; wait for it to finish"
        case let .sourceChanged(table):
            "the source table \(table) changed during the copy: stop every server on the data folder and run the command again"
        case let .circularReferences(tables): "the tables \(tables.joined(separator: ", ")) refer to each other in a loop"
        }
    }
}
