import CArchive
import Foundation

/// Writes verified entries into a staging folder through libarchive's disk writer, with
/// its SECURE flags on (no `..`, no absolute paths, nothing through a symlink) and
/// nothing restored from the archive (no owner, no ACLs, xattrs or flags): each entry
/// is rebuilt from the manifest's path and mode.
///
/// libarchive resolves names against the working directory, so the writer changes into
/// the staging folder for its lifetime and changes back in `finish()`; the installer is
/// a single-threaded command, which makes that safe.
final class DiskWriter {
    let disk: OpaquePointer
    let previousDirectory: Int32
    var finished = false

    init(folder: String) throws {
        previousDirectory = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard previousDirectory >= 0, chdir(folder) == 0 else {
            throw InstallerError.failed("cannot enter the staging folder \(folder)")
        }
        umask(0o022)
        disk = archive_write_disk_new()
        archive_write_disk_set_options(disk, ARCHIVE_EXTRACT_SECURE_NODOTDOT | ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS
                                       | ARCHIVE_EXTRACT_SECURE_SYMLINKS | ARCHIVE_EXTRACT_NO_OVERWRITE)
    }

    func begin(_ file: BundleManifest.File) throws {
        let entry = archive_entry_new()
        defer { archive_entry_free(entry) }
        archive_entry_set_pathname(entry, file.path)
        archive_entry_set_filetype(entry, CArchiveRegularFile)
        archive_entry_set_perm(entry, mode_t(file.mode))
        archive_entry_set_size(entry, file.size)
        guard archive_write_header(disk, entry) == ARCHIVE_OK else {
            throw InstallerError.rejected("'\(file.path)' cannot be written safely: \(BundleWriter.error(disk))")
        }
    }

    func write(_ buffer: [UInt8], count: Int, name: String) throws {
        let written = buffer.withUnsafeBytes { archive_write_data(disk, $0.baseAddress, count) }
        guard written == count else { throw InstallerError.failed("cannot write '\(name)': \(BundleWriter.error(disk))") }
    }

    func end(_ name: String) throws {
        guard archive_write_finish_entry(disk) == ARCHIVE_OK else { throw InstallerError.failed("cannot finish '\(name)': \(BundleWriter.error(disk))") }
    }

    func close() throws {
        guard archive_write_close(disk) == ARCHIVE_OK else { throw InstallerError.failed("cannot finish unpacking: \(BundleWriter.error(disk))") }
    }

    /// Frees libarchive's writer and returns to the previous working directory.
    func finish() {
        guard !finished else { return }
        finished = true
        archive_write_free(disk)
        fchdir(previousDirectory)
        Foundation.close(previousDirectory)
    }
}
