import Foundation
import Synchronization

/// Where the sealing code gets its cipher: a fixed one (tests), or the keyring file.
public protocol CipherSource: Sendable {
    /// The cipher of the keyring as it is now.
    func currentCipher() throws -> SecretCipher
}

extension SecretCipher: CipherSource {
    public func currentCipher() throws -> SecretCipher { self }
}

/// The keyring file, read again whenever it changes on disk: `enclave secrets rotate-key`
/// adds a key to the file while the server runs, and the server's next write seals with
/// it. A file that became unreadable keeps the last good ring in use and says why once.
public final class KeyringFile: CipherSource {
    public let path: String
    private struct Loaded { var cipher: SecretCipher; var signature: [Int] }
    private let loaded: Mutex<Loaded>

    /// The ring at `path`, which must load now.
    public init(path: String) throws {
        self.path = path
        let signature = Self.signature(path)
        loaded = Mutex(Loaded(cipher: SecretCipher(keyring: try Keyring.load(path: path)), signature: signature))
    }

    /// Inode, size and modification time: a rename-into-place or rewrite changes them.
    static func signature(_ path: String) -> [Int] {
        var info = stat()
        guard stat(path, &info) == 0 else { return [] }
        return [Int(info.st_ino), Int(info.st_size), Int(info.st_mtim.tv_sec), Int(info.st_mtim.tv_nsec)]
    }

    public func currentCipher() throws -> SecretCipher {
        let now = Self.signature(path)
        return try loaded.withLock { state in
            guard now != state.signature, !now.isEmpty else { return state.cipher }
            let keyring = try Keyring.load(path: path)
            // A ring that dropped the key in use would strand values: keep using the old one.
            guard state.cipher.keyring.keys.allSatisfy({ old in keyring.key(old.id)?.material == old.material }) else {
                throw SecretsError.keyring("the keyring \(path) changed and no longer holds every key it held")
            }
            state = Loaded(cipher: SecretCipher(keyring: keyring), signature: now)
            return state.cipher
        }
    }
}
