/// A typed record of one control-plane table, decoded from the `StoredRow` any engine's read
/// side hands back: what the renderer works from, so a column's type is checked once, at
/// the seam, and a damaged value is an error there, not a wrong answer later.
protocol StoredRecord: Sendable {
    /// The table the record is a row of.
    static var table: String { get }

    /// The record `row` holds; `StoredValueMismatch` when a column holds something else.
    init(_ row: StoredRow) throws
}
