/// One `Range: bytes=…` request (`a-b`, `a-` or the suffix `-n`); several ranges in one
/// header are refused rather than half-served.
struct ByteRange: Equatable {
    let start: Int64?
    let end: Int64?

    init(_ header: String) throws {
        let invalid = TrackingError.rangeNotSatisfiable("Invalid Range header '\(TrackingRules.printable(header))': one 'bytes=start-end' range is supported")
        guard header.hasPrefix("bytes="), header.utf8.count <= 100 else { throw invalid }
        let spec = header.dropFirst(6).trimmingCharacters(in: .whitespaces)
        let parts = spec.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, !spec.contains(",") else { throw invalid }
        start = parts[0].isEmpty ? nil : Int64(parts[0])
        end = parts[1].isEmpty ? nil : Int64(parts[1])
        guard (start != nil || end != nil), parts[0].isEmpty || start != nil, parts[1].isEmpty || end != nil else { throw invalid }
    }

    /// The inclusive byte range within a file of `size` bytes.
    func resolved(size: Int64) throws -> ClosedRange<Int64> {
        let unsatisfiable = TrackingError.rangeNotSatisfiable("The requested range is outside the file (\(size) bytes)")
        switch (start, end) {
        case let (start?, end):
            let last = min(end ?? size - 1, size - 1)
            guard start >= 0, start <= last else { throw unsatisfiable }
            return start...last
        case let (nil, suffix?):
            guard suffix > 0, size > 0 else { throw unsatisfiable }
            return max(0, size - suffix)...(size - 1)
        case (nil, nil):
            throw unsatisfiable
        }
    }
}
