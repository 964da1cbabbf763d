import Crypto
import Foundation

/// The keys secrets are sealed under: a file of 256-bit keys with ids, one of them primary
/// (new seals use it; older keys stay to open what they sealed until it is re-wrapped).
/// Created at first start beside the data with mode 0600; refused when others can read it.
public struct Keyring: Sendable, Equatable {
    /// One key of the ring.
    public struct Key: Sendable, Equatable {
        public let id: String
        public let created: String
        let material: [UInt8]
    }

    public let keys: [Key]
    public let primaryID: String
    static let format = "enclave-keyring/1"

    /// The primary key, which new seals use.
    public var primary: Key { keys.first { $0.id == primaryID } ?? keys[keys.count - 1] }

    /// The key with `id`, or nil.
    public func key(_ id: String) -> Key? { keys.first { $0.id == id } }

    /// A ring of one fresh key.
    public static func generate() -> Keyring {
        let key = newKey()
        return Keyring(keys: [key], primaryID: key.id)
    }

    /// This ring with a fresh key added and made primary (what `rotate-key` does).
    public func addingKey() -> Keyring {
        let key = Self.newKey()
        return Keyring(keys: keys + [key], primaryID: key.id)
    }

    static func newKey() -> Key {
        let material = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
        let id = "k" + SHA256.hash(data: Data(material) + Data(UUID().uuidString.utf8)).prefix(8).map { $0 < 16 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
        return Key(id: id, created: ISO8601DateFormatter().string(from: Date()), material: material)
    }

    /// Reads the ring at `path`; every way it can be wrong is a one-line `SecretsError.keyring`.
    public static func load(path: String) throws -> Keyring {
        var info = stat()
        guard lstat(path, &info) == 0 else { throw SecretsError.keyring("no keyring at \(path)") }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw SecretsError.keyring("the keyring \(path) is not a regular file") }
        guard info.st_mode & 0o077 == 0 else {
            throw SecretsError.keyring("the keyring \(path) can be read by others (mode \(String(info.st_mode & 0o777, radix: 8))); make it 0600")
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw SecretsError.keyring("cannot read the keyring \(path)") }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any], object["format"] as? String == format,
              let primary = object["primary"] as? String, let list = object["keys"] as? [[String: Any]], !list.isEmpty else {
            throw SecretsError.keyring("the keyring \(path) is not an \(format) file")
        }
        let keys = try list.map { entry -> Key in
            guard let id = entry["id"] as? String, let created = entry["created"] as? String, let text = entry["key"] as? String,
                  let material = Data(base64Encoded: text), material.count == 32 else {
                throw SecretsError.keyring("the keyring \(path) holds a malformed key")
            }
            return Key(id: id, created: created, material: Array(material))
        }
        guard Set(keys.map(\.id)).count == keys.count, keys.contains(where: { $0.id == primary }) else {
            throw SecretsError.keyring("the keyring \(path) has duplicate key ids or no primary key")
        }
        return Keyring(keys: keys, primaryID: primary)
    }

    /// Writes the ring to `path` (0600, folder 0700): a temporary file, flushed, renamed into place.
    public func save(path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let object: [String: Any] = ["format": Self.format, "primary": primaryID,
                                     "keys": keys.map { ["id": $0.id, "created": $0.created, "key": Data($0.material).base64EncodedString()] }]
        let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
        let temporary = path + ".tmp-\(UUID().uuidString)"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw SecretsError.keyring("cannot write the keyring beside \(path)") }
        defer { unlink(temporary) }
        let written = data.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        let flushed = fsync(fd) == 0
        close(fd)
        guard written == data.count, flushed, rename(temporary, path) == 0 else { throw SecretsError.keyring("cannot write the keyring \(path)") }
    }
}
