import ArtifactStore
import ControlPlane

/// ZenML content (visualizations, step logs) on S3-compatible artifact stores, read with the
/// server's own endpoint and keys from the locations the site allows: the `s3://` entries of
/// `artifact_read_roots` and the server's own `--artifact-store`.
struct S3ArtifactContent: ObjectStoreContent {
    let allowed: [ObjectAddress]
    /// One reader per bucket (each with the settings its location was resolved with).
    let readers: [String: S3ObjectReader]

    /// Readers for `roots` (`s3://BUCKET/PREFIX`), endpoint and keys from `environment`.
    init(roots: [String], environment: [String: String]) throws {
        var allowed: [ObjectAddress] = []
        var readers: [String: S3ObjectReader] = [:]
        for root in roots {
            let location: S3Location
            do {
                location = try S3Location.resolve(uri: root, environment: environment)
            } catch let error as S3SettingError {
                throw ConfigurationError("artifact_read_roots \(root): \(error.description)")
            }
            guard let address = ObjectAddress(root) else { throw ConfigurationError("artifact_read_roots: '\(root)' is not an s3://BUCKET/PREFIX address") }
            allowed.append(address)
            readers[location.bucket] = readers[location.bucket] ?? S3ObjectReader(location: location)
        }
        self.allowed = allowed
        self.readers = readers
    }

    func allows(root: String) -> Bool {
        guard let address = ObjectAddress(root) else { return false }
        return allowed.contains { address.isWithin($0) }
    }

    func files(uri: String, limit: Int) async throws -> [[UInt8]] {
        guard let address = ObjectAddress(uri), allowed.contains(where: { address.isWithin($0) }), let reader = readers[address.bucket] else {
            throw ObjectStoreContentError("The URI is outside the S3 locations the server may read.")
        }
        do {
            if let object = try await reader.object(key: address.key, limit: limit) { return [object] }
            var files: [[UInt8]] = []
            var total = 0
            for key in try await reader.keys(under: address.key + "/") {
                guard let object = try await reader.object(key: key, limit: limit - total) else { continue }
                total += object.count
                files.append(object)
            }
            return files
        } catch let error as ArtifactStoreError {
            if case .tooLarge = error { throw ObjectStoreContentError("The file is larger than the server shows (\(limit) bytes).", tooLarge: true) }
            throw ObjectStoreContentError("The artifact store cannot be read: \(error.message)")
        }
    }
}
