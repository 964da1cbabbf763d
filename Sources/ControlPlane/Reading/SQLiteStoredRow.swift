import Foundation
import GRDB
import Storage

extension StoredRow {
    /// A GRDB row as the engine-free record the renderer reads.
    init(_ row: Row) {
        var values: [String: StoredValue] = [:]
        values.reserveCapacity(row.count)
        for (column, value) in row {
            switch value.storage {
            case .null: values[column] = .null
            case let .int64(number): values[column] = .integer(number)
            case let .double(number): values[column] = .real(number)
            case let .string(text): values[column] = .text(text)
            case let .blob(data): values[column] = .blob([UInt8](data))
            }
        }
        self.init(values)
    }
}
