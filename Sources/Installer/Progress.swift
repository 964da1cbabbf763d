import Foundation

/// Reports verification and unpacking progress on standard error: a line every 10 % for
/// large bundles, so an operator carrying gigabytes sees it move. Only on a terminal: in a
/// script or a log, an error stays the one line on stderr.
public final class Progress {
    let total: Int64
    let label: String
    let enabled: Bool
    var done: Int64 = 0
    var lastTenth: Int64 = -1

    /// Reports nothing for bundles under 16 MiB, when stderr is not a terminal, or when not `enabled`.
    public init(total: Int64, label: String, enabled: Bool) {
        self.total = max(total, 1)
        self.label = label
        self.enabled = enabled && total >= 16 << 20 && isatty(STDERR_FILENO) == 1
    }

    func advance(by bytes: Int) {
        done += Int64(bytes)
        guard enabled else { return }
        let tenth = done * 10 / total
        if tenth != lastTenth {
            lastTenth = tenth
            let line = "\(label): \(tenth * 10)% (\(done >> 20) of \(total >> 20) MiB)\n"
            FileHandle.standardError.write(Data(line.utf8))
        }
    }
}
