import PostgresNIO

extension StoredValue {
    /// A PostgreSQL cell as the engine-free value a SQLite column would hold: integers of
    /// any width, reals, text, bytes, and booleans as 0 or 1 (SQLite's booleans), so records
    /// read from either engine decode one way. A type no table of ours uses is refused.
    public init(postgres cell: PostgresCell) throws {
        guard cell.bytes != nil else { self = .null; return }
        switch cell.dataType {
        case .int2, .int4, .int8: self = .integer(try cell.decode(Int64.self))
        case .float4, .float8, .numeric: self = .real(try cell.decode(Double.self))
        case .bool: self = .integer(try cell.decode(Bool.self) ? 1 : 0)
        case .bytea: self = .blob(Array(try cell.decode(ByteBuffer.self).readableBytesView))
        case .text, .varchar, .bpchar, .name: self = .text(try cell.decode(String.self))
        default: throw PostgresUnreadableColumn(column: cell.columnName, type: cell.dataType)
        }
    }
}

/// A column of a type no table of ours holds: foreign data, never a client's doing.
public struct PostgresUnreadableColumn: Error, CustomStringConvertible {
    public let column: String
    public let type: PostgresDataType
    public var description: String { "the column '\(column)' holds a PostgreSQL type (\(type)) Enclave does not read" }
}
