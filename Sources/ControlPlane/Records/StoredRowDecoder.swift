import Storage
import Synchronization

/// Reads a `Decodable` record from a `StoredRow`, each field from the column of its name in
/// snake case (`projectID` from `project_id`, `docsURL` from `docs_url`): records are their
/// fields, as GRDB's Codable records are, over any engine's rows.
struct StoredRowDecoder: Decoder {
    let row: StoredRow
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(Columns<Key>(row: row))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer { throw Self.unsupported("a list") }
    func singleValueContainer() throws -> any SingleValueDecodingContainer { throw Self.unsupported("a single value") }

    static func unsupported(_ what: String) -> DecodingError {
        .typeMismatch(StoredRow.self, .init(codingPath: [], debugDescription: "a stored row holds columns, not \(what)"))
    }

    /// The column a field reads: its name in snake case. Worked out once per field name
    /// (records have a few hundred between them) and then looked up, as pages decode
    /// thousands of fields.
    static func column(_ field: String) -> String {
        if let known = columnNames.withLock({ $0[field] }) { return known }
        var column = "", previousWasLower = false
        for character in field {
            if character.isUppercase, previousWasLower { column.append("_") }
            previousWasLower = character.isLowercase || character.isNumber
            column += character.lowercased()
        }
        columnNames.withLock { $0[field] = column }
        return column
    }

    private static let columnNames = Mutex<[String: String]>([:])

    /// The row's columns as a record's fields: the kinds a column holds (text, integers,
    /// reals, booleans stored as integers) and nothing nested.
    struct Columns<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let row: StoredRow
        var codingPath: [any CodingKey] { [] }
        var allKeys: [Key] { [] }

        func value<Value: StoredValueDecodable>(_ key: Key) throws -> Value {
            try row.decode(forColumn: StoredRowDecoder.column(key.stringValue))
        }

        func contains(_ key: Key) -> Bool { true }
        func decodeNil(forKey key: Key) throws -> Bool { row.isNull(StoredRowDecoder.column(key.stringValue)) }
        func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try value(key) }
        func decode(_ type: String.Type, forKey key: Key) throws -> String { try value(key) }
        func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try value(key) }
        func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try value(key) }
        func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try value(key) }
        func decode(_ type: Float.Type, forKey key: Key) throws -> Float { Float(try value(key) as Double) }
        func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { throw StoredRowDecoder.unsupported("Int8") }
        func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { throw StoredRowDecoder.unsupported("Int16") }
        func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { throw StoredRowDecoder.unsupported("Int32") }
        func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { throw StoredRowDecoder.unsupported("UInt") }
        func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { throw StoredRowDecoder.unsupported("UInt8") }
        func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { throw StoredRowDecoder.unsupported("UInt16") }
        func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { throw StoredRowDecoder.unsupported("UInt32") }
        func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { throw StoredRowDecoder.unsupported("UInt64") }
        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { throw StoredRowDecoder.unsupported("\(T.self)") }
        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            throw StoredRowDecoder.unsupported("a nested record")
        }
        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer { throw StoredRowDecoder.unsupported("a list") }
        func superDecoder() throws -> any Decoder { throw StoredRowDecoder.unsupported("a superclass") }
        func superDecoder(forKey key: Key) throws -> any Decoder { throw StoredRowDecoder.unsupported("a superclass") }
    }
}
