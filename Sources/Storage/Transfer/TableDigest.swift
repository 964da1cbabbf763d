import Crypto

/// What one table holds, independent of engine and row order: its row count and the sum
/// (mod 2^256) of each row's SHA-256, so a copy is verified by reading each side once,
/// whatever order either engine returns the rows in, without holding them in memory.
public struct TableDigest: Equatable, Sendable, CustomStringConvertible {
    public private(set) var rows = 0
    private var sum = [UInt8](repeating: 0, count: 32)

    /// An empty table's digest.
    public init() {}

    /// Adds one row, its values already in the target's types (`StoredValue.fitted(to:)`).
    public mutating func add(_ row: [StoredValue]) {
        var hasher = SHA256()
        for value in row { value.feed(&hasher) }
        var carry = 0
        for (index, byte) in hasher.finalize().reversed().enumerated() {
            let position = 31 - index
            let total = Int(sum[position]) + Int(byte) + carry
            sum[position] = UInt8(total & 0xFF)
            carry = total >> 8
        }
        rows += 1
    }

    /// The count and the summed SHA-256 in hex, as the report shows them.
    public var description: String {
        "\(rows) rows, sha256-sum " + sum.map { byte in String(byte, radix: 16).leftPadded(to: 2) }.joined()
    }
}

extension StoredValue {
    /// Feeds the value to `hasher` tagged with its kind and, for text and bytes, its length,
    /// so no two different rows feed the same bytes.
    fileprivate func feed(_ hasher: inout SHA256) {
        switch self {
        case .null: hasher.update(data: [0])
        case let .integer(value): hasher.update(data: [1] + Self.bigEndian(UInt64(bitPattern: value)))
        case let .real(value): hasher.update(data: [2] + Self.bigEndian(value.bitPattern))
        case let .text(value):
            let bytes = Array(value.utf8)
            hasher.update(data: [3] + Self.bigEndian(UInt64(bytes.count)) + bytes)
        case let .blob(bytes): hasher.update(data: [4] + Self.bigEndian(UInt64(bytes.count)) + bytes)
        }
    }

    private static func bigEndian(_ value: UInt64) -> [UInt8] {
        (0..<8).map { shift in UInt8(truncatingIfNeeded: value >> (56 - 8 * shift)) }
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
