import Foundation

/// Where the agent's API key comes from: a file only its owner may read, or the
/// `ENCLAVE_AGENT_KEY` variable (a systemd credential, say) — never the command line, which
/// every user of the host can read.
public enum AgentKey {
    /// The key from `file`, else from the environment; `AgentFailure.setting` when neither holds one.
    public static func read(file: String?, environment: [String: String]) throws -> String {
        if let file {
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: file),
                  let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue else {
                throw AgentFailure.setting("cannot read the key file \(file)")
            }
            guard mode & 0o077 == 0 else {
                throw AgentFailure.setting("the key file \(file) may be read by others (mode \(String(mode, radix: 8))); chmod 600 it")
            }
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw AgentFailure.setting("cannot read the key file \(file)")
            }
            return try checked(text, source: file)
        }
        if let value = environment["ENCLAVE_AGENT_KEY"] { return try checked(value, source: "ENCLAVE_AGENT_KEY") }
        throw AgentFailure.setting("no API key: pass --key-file FILE or set ENCLAVE_AGENT_KEY")
    }

    static func checked(_ text: String, source: String) throws -> String {
        let key = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !key.isEmpty, key.utf8.count <= 1024, !key.contains(where: { $0.isWhitespace || $0.isNewline }) else {
            throw AgentFailure.setting("\(source) does not hold one API key")
        }
        return key
    }

    /// The host's name cut to what an agent name may hold.
    public static func defaultName() -> String {
        let allowed = ProcessInfo.processInfo.hostName.filter { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }
        return allowed.isEmpty ? "agent" : String(allowed.prefix(64))
    }
}
