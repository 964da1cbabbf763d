/// A typed record of one control-plane table, read from the `StoredRow` any engine's read
/// side hands back: what the renderer works from, so a column's type is checked once, at the
/// seam, and a damaged value is an error there (`StoredValueMismatch`), not a wrong answer
/// later. A record is its fields; each reads the column of its name in snake case.
protocol StoredRecord: Decodable, Sendable {
    /// The table the record is a row of.
    static var table: String { get }
}

extension StoredRecord {
    /// The record `row` holds; `StoredValueMismatch` when a column holds something else.
    init(_ row: StoredRow) throws {
        try self.init(from: StoredRowDecoder(row: row))
    }
}
