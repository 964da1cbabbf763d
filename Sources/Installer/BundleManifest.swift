import Foundation

/// `manifest.json` of a bundle: what it is and every file it carries with size, SHA-256
/// and mode. The signature covers its exact bytes. Written with one file per line so a
/// bare host can read it with `grep` and `sed` (see `install.sh`); read strictly:
/// unknown fields, an unknown format, unsafe or duplicate paths are all refused.
public struct BundleManifest: Equatable, Sendable {
    /// One file of the bundle.
    public struct File: Equatable, Sendable {
        public let path: String
        public let size: Int64
        public let sha256: String
        /// `0o644` or `0o755`; nothing else (no setuid, no world-writable) is accepted.
        public let mode: Int
    }

    public static let format = 1
    public static let product = "enclave"
    /// Largest file and largest total a bundle may declare.
    public static let maximumFileSize: Int64 = 8 << 30
    public static let maximumTotalSize: Int64 = 16 << 30
    public static let maximumFiles = 10_000
    /// Files every bundle must carry.
    public static let binaryPath = "payload/bin/enclave"
    public static let bootstrapPath = "install.sh"

    public let version: ReleaseVersion
    public let architecture: String
    public let minUpgradeFrom: ReleaseVersion?
    public let created: String
    public let files: [File]

    /// Sum of the declared file sizes.
    public var totalSize: Int64 { files.reduce(0) { $0 + $1.size } }

    /// The machine architecture bundles for this host must declare (`uname -m`).
    public static var hostArchitecture: String {
        var name = utsname()
        uname(&name)
        return withUnsafeBytes(of: name.machine) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }

    init(version: ReleaseVersion, architecture: String, minUpgradeFrom: ReleaseVersion?, created: String, files: [File]) {
        self.version = version
        self.architecture = architecture
        self.minUpgradeFrom = minUpgradeFrom
        self.created = created
        self.files = files
    }

    /// The exact bytes that are signed and shipped.
    public var encoded: Data {
        func quote(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }
        var text = "{\n"
        text += "  \"format\": \(Self.format),\n"
        text += "  \"product\": \(quote(Self.product)),\n"
        text += "  \"version\": \(quote(version.description)),\n"
        text += "  \"architecture\": \(quote(architecture)),\n"
        text += "  \"min_upgrade_from\": \(minUpgradeFrom.map { quote($0.description) } ?? "null"),\n"
        text += "  \"created\": \(quote(created)),\n"
        text += "  \"files\": [\n"
        text += files.map { file in
            "    {\"path\": \(quote(file.path)), \"size\": \(file.size), \"sha256\": \(quote(file.sha256)), \"mode\": \"0\(String(file.mode, radix: 8))\"}"
        }.joined(separator: ",\n")
        text += "\n  ]\n}\n"
        return Data(text.utf8)
    }

    /// Parses and checks manifest bytes (already signature-verified by the caller).
    public static func decode(_ data: Data) throws -> BundleManifest {
        func bad(_ message: String) -> InstallerError { .rejected("manifest: \(message)") }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { throw bad("not a JSON object") }
        let known: Set<String> = ["format", "product", "version", "architecture", "min_upgrade_from", "created", "files"]
        if let unknown = object.keys.first(where: { !known.contains($0) }) { throw bad("unknown field '\(unknown)'") }
        guard let format = object["format"] as? Int, format == Self.format else { throw bad("unsupported format (this installer reads format \(Self.format))") }
        guard object["product"] as? String == Self.product else { throw bad("not an Enclave bundle (product '\(object["product"] ?? "none")')") }
        guard let versionText = object["version"] as? String, let version = ReleaseVersion(versionText) else { throw bad("missing or malformed version") }
        guard let architecture = object["architecture"] as? String, !architecture.isEmpty else { throw bad("missing architecture") }
        var minimum: ReleaseVersion?
        if let value = object["min_upgrade_from"], !(value is NSNull) {
            guard let text = value as? String, let parsed = ReleaseVersion(text) else { throw bad("malformed min_upgrade_from") }
            minimum = parsed
        }
        guard let created = object["created"] as? String else { throw bad("missing created") }
        guard let list = object["files"] as? [[String: Any]], !list.isEmpty else { throw bad("no files") }
        guard list.count <= maximumFiles else { throw bad("more than \(maximumFiles) files") }
        var files: [File] = []
        var seen = Set<String>()
        for entry in list {
            guard Set(entry.keys) == ["path", "size", "sha256", "mode"] else { throw bad("a file entry has missing or unknown fields") }
            guard let path = entry["path"] as? String else { throw bad("a file has no path") }
            if let problem = EntryPolicy.problem(with: path) { throw bad(problem) }
            guard path == bootstrapPath || path.hasPrefix("payload/") else { throw bad("'\(path)' is outside payload/") }
            guard seen.insert(path.lowercased()).inserted else { throw bad("'\(path)' is listed twice") }
            guard let size = (entry["size"] as? NSNumber)?.int64Value, size >= 0, size <= maximumFileSize else { throw bad("'\(path)' has a bad size") }
            guard let sha = entry["sha256"] as? String, sha.count == 64, sha.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else {
                throw bad("'\(path)' has a malformed sha256")
            }
            guard let modeText = entry["mode"] as? String, modeText == "0644" || modeText == "0755" else {
                throw bad("'\(path)' has mode \(entry["mode"] ?? "none"); only 0644 and 0755 are allowed")
            }
            files.append(File(path: path, size: size, sha256: sha, mode: modeText == "0755" ? 0o755 : 0o644))
        }
        // A directory must not also be a file: "payload/x" and "payload/x/y" cannot both exist.
        let paths = Set(files.map(\.path))
        for file in files {
            var parent = file.path
            while let slash = parent.lastIndex(of: "/") {
                parent = String(parent[..<slash])
                if paths.contains(parent) { throw bad("'\(parent)' is both a file and a directory") }
            }
        }
        guard files.contains(where: { $0.path == binaryPath && $0.mode == 0o755 }) else { throw bad("no executable \(binaryPath)") }
        guard files.contains(where: { $0.path == bootstrapPath }) else { throw bad("no \(bootstrapPath)") }
        let manifest = BundleManifest(version: version, architecture: architecture, minUpgradeFrom: minimum, created: created, files: files)
        guard manifest.totalSize <= maximumTotalSize else { throw bad("declares more than \(maximumTotalSize) bytes") }
        return manifest
    }
}
