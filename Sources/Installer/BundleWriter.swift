import CArchive
import Crypto
import Foundation

/// Makes a signed bundle: a gzip'd tar of `manifest.json`, `manifest.sig`, `manifest.pgp`
/// (the same signature for `gpgv`), an optional key rotation, `install.sh` and
/// `payload/…`, in that order, with fixed owners and times so equal inputs give
/// equal bundles.
public struct BundleWriter {
    /// A file to ship: where it is read from and where it goes in the bundle.
    public struct Source {
        public let from: String
        public let path: String
        public let mode: Int
        /// Creates a source entry (`mode` 0o644 or 0o755).
        public init(from: String, path: String, mode: Int) {
            self.from = from
            self.path = path
            self.mode = mode
        }
    }

    public let version: ReleaseVersion
    public let minUpgradeFrom: ReleaseVersion?
    public let architecture: String
    public let sources: [Source]

    /// Describes a bundle of `sources` for `version`.
    public init(version: ReleaseVersion, minUpgradeFrom: ReleaseVersion?, architecture: String = BundleManifest.hostArchitecture, sources: [Source]) {
        self.version = version
        self.minUpgradeFrom = minUpgradeFrom
        self.architecture = architecture
        self.sources = sources.sorted { ($0.path == BundleManifest.bootstrapPath ? "" : $0.path) < ($1.path == BundleManifest.bootstrapPath ? "" : $1.path) }
    }

    /// Hashes the sources, signs the manifest with `key` and writes the bundle to `output`
    /// atomically; `rotation` (statement and signature from `KeyRotation.sign`) goes with it.
    public func write(to output: String, key privatePEM: String, rotation: (statement: Data, signature: Data)? = nil) throws -> BundleManifest {
        let key = try SigningKey.privateKey(pem: privatePEM)
        var files: [BundleManifest.File] = []
        for source in sources {
            let (size, digest) = try Self.digest(of: source.from)
            files.append(.init(path: source.path, size: size, sha256: digest, mode: source.mode))
        }
        let created = ISO8601DateFormatter().string(from: Date())
        let manifest = BundleManifest(version: version, architecture: architecture, minUpgradeFrom: minUpgradeFrom, created: created, files: files)
        let manifestBytes = manifest.encoded
        _ = try BundleManifest.decode(manifestBytes)  // the writer obeys the reader's rules
        let signature = try key.signature(for: manifestBytes)

        let temporary = output + ".partial"
        try? FileManager.default.removeItem(atPath: temporary)
        guard let archive = archive_write_new() else { throw InstallerError.failed("libarchive could not start a writer") }
        defer { archive_write_free(archive) }
        archive_write_add_filter_gzip(archive)
        archive_write_set_format_pax_restricted(archive)
        guard archive_write_open_filename(archive, temporary) == ARCHIVE_OK else {
            throw InstallerError.failed("cannot write \(temporary): \(Self.error(archive))")
        }
        try Self.add(archive, path: "manifest.json", mode: 0o644, data: manifestBytes)
        try Self.add(archive, path: "manifest.sig", mode: 0o644, data: Data(signature))
        try Self.add(archive, path: OpenPGPSignature.bundlePath, mode: 0o644, data: try OpenPGPSignature.detachedSignature(of: manifestBytes, key: key))
        if let rotation {
            try Self.add(archive, path: KeyRotation.statementPath, mode: 0o644, data: rotation.statement)
            try Self.add(archive, path: KeyRotation.signaturePath, mode: 0o644, data: rotation.signature)
        }
        for (source, file) in zip(sources, files) { try Self.add(archive, path: file.path, mode: file.mode, contentsOf: source.from, size: file.size) }
        guard archive_write_close(archive) == ARCHIVE_OK else { throw InstallerError.failed("cannot finish \(temporary): \(Self.error(archive))") }
        guard rename(temporary, output) == 0 else { throw InstallerError.failed("cannot move the bundle to \(output)") }
        return manifest
    }

    static func error(_ archive: OpaquePointer) -> String {
        archive_error_string(archive).map { String(cString: $0) } ?? "unknown libarchive error"
    }

    /// Size and hex SHA-256 of a file, streamed.
    static func digest(of path: String) throws -> (Int64, String) {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw InstallerError.failed("cannot read \(path)") }
        defer { try? handle.close() }
        var hasher = SHA256()
        var size: Int64 = 0
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(data: chunk)
            size += Int64(chunk.count)
        }
        return (size, hasher.finalize().map { String($0, radix: 16).leftPadded(2) }.joined())
    }

    static func header(_ archive: OpaquePointer, path: String, mode: Int, size: Int64) throws {
        let entry = archive_entry_new()
        defer { archive_entry_free(entry) }
        archive_entry_set_pathname(entry, path)
        archive_entry_set_filetype(entry, CArchiveRegularFile)
        archive_entry_set_perm(entry, mode_t(mode))
        archive_entry_set_size(entry, size)
        archive_entry_set_uid(entry, 0)
        archive_entry_set_gid(entry, 0)
        archive_entry_set_mtime(entry, 0, 0)
        guard archive_write_header(archive, entry) == ARCHIVE_OK else { throw InstallerError.failed("cannot add \(path): \(error(archive))") }
    }

    static func add(_ archive: OpaquePointer, path: String, mode: Int, data: Data) throws {
        try header(archive, path: path, mode: mode, size: Int64(data.count))
        let written = data.withUnsafeBytes { archive_write_data(archive, $0.baseAddress, data.count) }
        guard written == data.count else { throw InstallerError.failed("cannot write \(path): \(error(archive))") }
    }

    static func add(_ archive: OpaquePointer, path: String, mode: Int, contentsOf source: String, size: Int64) throws {
        try header(archive, path: path, mode: mode, size: size)
        guard let handle = FileHandle(forReadingAtPath: source) else { throw InstallerError.failed("cannot read \(source)") }
        defer { try? handle.close() }
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            let written = chunk.withUnsafeBytes { archive_write_data(archive, $0.baseAddress, chunk.count) }
            guard written == chunk.count else { throw InstallerError.failed("cannot write \(path): \(error(archive))") }
        }
    }
}

extension BundleWriter {
    /// The standard contents of a release bundle: the bootstrap script, the binary, every
    /// file of `manifests` (systemd unit, default config…) and the README.
    public static func standardSources(binary: String, manifests: String, bootstrap: String, readme: String,
                                       libraries: String? = nil) throws -> [Source] {
        for (label, path) in [("binary", binary), ("bootstrap script", bootstrap), ("README", readme)] where !FileManager.default.isReadableFile(atPath: path) {
            throw InstallerError.failed("cannot read the \(label) \(path)")
        }
        var sources = [Source(from: bootstrap, path: BundleManifest.bootstrapPath, mode: 0o755),
                       Source(from: binary, path: BundleManifest.binaryPath, mode: 0o755),
                       Source(from: readme, path: "payload/README.md", mode: 0o644)]
        let names = (try? FileManager.default.contentsOfDirectory(atPath: manifests)) ?? []
        guard !names.isEmpty else { throw InstallerError.failed("no files in the manifests folder \(manifests)") }
        for name in names.sorted() where !name.hasPrefix(".") {
            sources.append(Source(from: manifests + "/" + name, path: "payload/share/enclave/" + name, mode: 0o644))
        }
        if let libraries {
            for name in ((try? FileManager.default.contentsOfDirectory(atPath: libraries)) ?? []).sorted() where !name.hasPrefix(".") {
                sources.append(Source(from: libraries + "/" + name, path: "payload/lib/" + name, mode: 0o644))
            }
        }
        return sources
    }
}
