import CArchive
import Crypto
import Foundation

/// Reads a bundle in one pass and trusts nothing before the signature: `manifest.json`
/// and `manifest.sig` must come first, then the optional envelope entries (the OpenPGP
/// copy of the signature for `gpgv` bootstraps and a `KeyRotation`), and the manifest must
/// verify against a trusted key before a single byte is written; then every entry must be a regular file the manifest lists, with
/// its size, and is streamed through SHA-256 into the staging folder by libarchive's
/// disk writer with its SECURE flags. Links, devices, FIFOs, directories, xattrs,
/// setuid bits, unlisted, duplicate or missing files all reject the whole bundle.
/// Nothing is applied from the archive's own metadata: names, modes and owners come
/// from the verified manifest and the installer's policy.
public struct BundleReader {
    /// A bundle that passed every check, with the exact manifest bytes that were signed.
    public struct VerifiedBundle {
        public let manifest: BundleManifest
        public let manifestBytes: Data
        /// Fingerprint of the key that signed it.
        public let signer: String
        /// The key rotation the bundle carried, verified; the caller trusts its key once
        /// the bundle is installed.
        public let rotation: KeyRotation?
    }

    /// Optional entries between `manifest.sig` and the payload, each read at most once.
    static let envelopeLimits = [OpenPGPSignature.bundlePath: 1024, KeyRotation.statementPath: 4096, KeyRotation.signaturePath: 64]

    public let bundlePath: String
    public let trust: TrustedKeys

    static let maximumManifestSize = 4 << 20
    static let chunkSize = 1 << 20

    /// A reader of `bundlePath` that trusts only `trustedKey`.
    public init(bundlePath: String, trustedKey: Curve25519.Signing.PublicKey) {
        self.init(bundlePath: bundlePath, trust: TrustedKeys(keys: [trustedKey]))
    }

    /// A reader of `bundlePath` that trusts the keys of `trust` and honours its revocations.
    public init(bundlePath: String, trust: TrustedKeys) {
        self.bundlePath = bundlePath
        self.trust = trust
    }

    /// Verifies the whole bundle without writing anything; returns its manifest.
    public func verify(progress: Bool = true) throws -> BundleManifest {
        try read(into: nil, progress: progress).manifest
    }

    /// Verifies the bundle and writes its files under `staging` (an empty, private
    /// folder). `beforeWriting` sees the signed manifest before the first byte is written
    /// (to refuse, say, for want of disk space). On any failure the caller removes
    /// `staging`; nothing else is written.
    public func unpack(into staging: String, progress: Bool = true,
                       beforeWriting: (BundleManifest) throws -> Void = { _ in }) throws -> VerifiedBundle {
        try read(into: staging, progress: progress, beforeWriting: beforeWriting)
    }

    func read(into staging: String?, progress showProgress: Bool,
              beforeWriting: (BundleManifest) throws -> Void = { _ in }) throws -> VerifiedBundle {
        let fd = open(bundlePath, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { throw InstallerError.rejected("cannot open \(bundlePath): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { throw InstallerError.rejected("\(bundlePath) is not a regular file") }

        guard let archive = archive_read_new() else { throw InstallerError.failed("libarchive could not start a reader") }
        defer { archive_read_free(archive) }
        archive_read_support_filter_gzip(archive)
        archive_read_support_format_tar(archive)
        guard archive_read_open_fd(archive, fd, 1 << 16) == ARCHIVE_OK else {
            throw InstallerError.rejected("not a gzip'd tar archive: \(BundleWriter.error(archive))")
        }

        let manifestBytes = try readSmallEntry(archive, expected: "manifest.json", limit: Self.maximumManifestSize)
        let signature = try readSmallEntry(archive, expected: "manifest.sig", limit: 64)
        var envelope: [String: Data] = [:]
        var entry: OpaquePointer?
        var status = archive_read_next_header(archive, &entry)
        while status == ARCHIVE_OK, let current = entry, let name = archive_entry_pathname(current).map({ String(cString: $0) }),
              let limit = Self.envelopeLimits[name] {
            guard envelope[name] == nil else { throw InstallerError.rejected("'\(name)' appears twice in the bundle") }
            envelope[name] = try readSmallBody(archive, current, name: name, limit: limit)
            status = archive_read_next_header(archive, &entry)
        }
        let rotation: (Data, Data)?
        switch (envelope[KeyRotation.statementPath], envelope[KeyRotation.signaturePath]) {
        case let (statement?, rotationSignature?): rotation = (statement, rotationSignature)
        case (nil, nil): rotation = nil
        default: throw InstallerError.rejected("a key rotation needs both \(KeyRotation.statementPath) and \(KeyRotation.signaturePath)")
        }
        let (signer, acceptedRotation) = try trust.signer(of: manifestBytes, signature: signature, rotation: rotation)
        let manifest = try BundleManifest.decode(manifestBytes)
        guard manifest.architecture == BundleManifest.hostArchitecture else {
            throw InstallerError.refused("the bundle is for \(manifest.architecture), this host is \(BundleManifest.hostArchitecture)")
        }

        try beforeWriting(manifest)
        let disk = try staging.map { try DiskWriter(folder: $0) }
        defer { disk?.finish() }
        var pending = Dictionary(uniqueKeysWithValues: manifest.files.map { ($0.path, $0) })
        let progress = Progress(total: manifest.totalSize, label: staging == nil ? "verifying" : "verifying and unpacking", enabled: showProgress)
        var buffer = [UInt8](repeating: 0, count: Self.chunkSize)
        var first = true
        while true {
            if !first { status = archive_read_next_header(archive, &entry) }
            first = false
            if status == ARCHIVE_EOF { break }
            guard status == ARCHIVE_OK, let entry else { throw InstallerError.rejected("damaged archive: \(BundleWriter.error(archive))") }
            let name = try checkedName(entry)
            guard let file = pending.removeValue(forKey: name) else {
                if manifest.files.contains(where: { $0.path == name }) { throw InstallerError.rejected("'\(name)' appears twice in the archive") }
                throw InstallerError.rejected("'\(EntryPolicy.printable(name))' is not listed in the manifest")
            }
            try checkMetadata(entry, name: name, declared: file.size)
            try disk?.begin(file)
            var hasher = SHA256()
            var received: Int64 = 0
            while true {
                let count = buffer.withUnsafeMutableBytes { archive_read_data(archive, $0.baseAddress, Self.chunkSize) }
                if count == 0 { break }
                guard count > 0 else { throw InstallerError.rejected("'\(name)' is damaged: \(BundleWriter.error(archive))") }
                received += Int64(count)
                guard received <= file.size else { throw InstallerError.rejected("'\(name)' holds more data than the manifest declares") }
                buffer.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
                try disk?.write(buffer, count: count, name: name)
                progress.advance(by: count)
            }
            guard received == file.size else { throw InstallerError.rejected("'\(name)' is shorter than the manifest declares") }
            let digest = hasher.finalize().map { String($0, radix: 16).leftPadded(2) }.joined()
            guard digest == file.sha256 else { throw InstallerError.rejected("the SHA-256 of '\(name)' does not match the manifest") }
            try disk?.end(name)
        }
        if let missing = pending.keys.sorted().first {
            throw InstallerError.rejected("'\(missing)' is listed in the manifest but missing from the bundle")
        }
        try disk?.close()
        return VerifiedBundle(manifest: manifest, manifestBytes: manifestBytes, signer: SigningKey.fingerprint(signer), rotation: acceptedRotation)
    }

    /// Reads one of the two leading entries completely (they are small and unsigned
    /// until checked, so only their names, types and sizes are trusted so far).
    func readSmallEntry(_ archive: OpaquePointer, expected: String, limit: Int) throws -> Data {
        var entry: OpaquePointer?
        guard archive_read_next_header(archive, &entry) == ARCHIVE_OK, let entry else {
            throw InstallerError.rejected("no \(expected) at the start of the bundle (unsigned or damaged bundle)")
        }
        let name = archive_entry_pathname(entry).map { String(cString: $0) } ?? ""
        guard name == expected else { throw InstallerError.rejected("the bundle must start with \(expected), found '\(EntryPolicy.printable(name))'") }
        return try readSmallBody(archive, entry, name: name, limit: limit)
    }

    /// The whole body of a small envelope entry whose header was just read.
    func readSmallBody(_ archive: OpaquePointer, _ entry: OpaquePointer, name: String, limit: Int) throws -> Data {
        try checkMetadata(entry, name: name, declared: nil)
        let size = archive_entry_size(entry)
        guard archive_entry_size_is_set(entry) != 0, size >= 0, size <= limit else { throw InstallerError.rejected("\(name) has a bad size") }
        var data = Data(count: Int(size))
        let count = data.withUnsafeMutableBytes { archive_read_data(archive, $0.baseAddress, Int(size)) }
        guard count == size else { throw InstallerError.rejected("\(name) is damaged") }
        return data
    }

    /// The entry's name, which must pass `EntryPolicy` and be valid UTF-8.
    func checkedName(_ entry: OpaquePointer) throws -> String {
        guard let raw = archive_entry_pathname(entry) else { throw InstallerError.rejected("an entry has no name") }
        let bytes = Array(UnsafeBufferPointer(start: UnsafeRawPointer(raw).assumingMemoryBound(to: UInt8.self), count: strlen(raw)))
        guard let name = String(validating: bytes, as: UTF8.self) else { throw InstallerError.rejected("an entry name is not valid UTF-8") }
        if let problem = EntryPolicy.problem(with: name) { throw InstallerError.rejected(problem) }
        return name
    }

    /// Refuses anything but a plain regular file with a declared size.
    func checkMetadata(_ entry: OpaquePointer, name: String, declared: Int64?) throws {
        let shown = EntryPolicy.printable(name)
        if archive_entry_hardlink(entry) != nil { throw InstallerError.rejected("'\(shown)' is a hard link; links are not allowed") }
        if archive_entry_symlink(entry) != nil { throw InstallerError.rejected("'\(shown)' is a symbolic link; links are not allowed") }
        let type = UInt32(archive_entry_filetype(entry)) & CArchiveTypeMask
        guard type == CArchiveRegularFile else {
            let kind = [0o040000: "a directory", 0o020000: "a character device", 0o060000: "a block device",
                        0o010000: "a FIFO", 0o140000: "a socket", 0o120000: "a symbolic link"][Int(type)] ?? "not a regular file"
            throw InstallerError.rejected("'\(shown)' is \(kind); only regular files are allowed")
        }
        if archive_entry_perm(entry) & 0o7000 != 0 { throw InstallerError.rejected("'\(shown)' carries setuid, setgid or sticky bits") }
        if archive_entry_xattr_count(entry) > 0 { throw InstallerError.rejected("'\(shown)' carries extended attributes") }
        if archive_entry_acl_count(entry, ARCHIVE_ENTRY_ACL_TYPE_ACCESS | ARCHIVE_ENTRY_ACL_TYPE_DEFAULT) > 0 {
            throw InstallerError.rejected("'\(shown)' carries ACLs")
        }
        var set: UInt = 0, clear: UInt = 0
        archive_entry_fflags(entry, &set, &clear)
        if set != 0 { throw InstallerError.rejected("'\(shown)' carries file flags") }
        if let declared {
            guard archive_entry_size_is_set(entry) != 0, archive_entry_size(entry) == declared else {
                throw InstallerError.rejected("the size of '\(shown)' in the archive differs from the manifest")
            }
        }
    }
}
