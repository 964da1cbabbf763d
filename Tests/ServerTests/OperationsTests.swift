import ArtifactStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
@testable import Server
import Testing

@Suite struct OperationsTests {
    func configuration() -> ServerConfiguration {
        var configuration = ServerConfiguration()
        configuration.port = 0
        configuration.dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("enclave-ops-\(UUID().uuidString)").path
        configuration.bcryptCost = 4
        return configuration
    }

    @Test func healthAndMetricsByRoute() async throws {
        var logger = Logger(label: "enclave-test")
        logger.logLevel = .warning
        let app = try await buildApplication(configuration(), logger: logger)
        try await app.test(.live) { client in
            try await client.execute(uri: "/health", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == "ok")
            }
            try await client.execute(uri: "/api/v1/info", method: .get) { _ in }
            try await client.execute(uri: "/metrics", method: .get) { response in
                let text = String(buffer: response.body)
                #expect(text.contains(#"enclave_http_requests_total{method="GET",route="/api/v1/info",status="200"} 1"#))
                #expect(text.contains("enclave_http_request_duration_seconds_bucket"))
                #expect(text.contains("\nenclave_log_dropped_lines_total 0"))
            }
        }
    }

    @Test func flagsWinOverEnvironmentOverFile() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("enclave-\(UUID().uuidString).json")
        try Data(#"{"host":"0.0.0.0","port":9000,"data_dir":"/from/file"}"#.utf8).write(to: file)
        var settings = ServerConfiguration()
        try settings.apply(configFile: file.path)
        #expect(settings.port == 9000 && settings.host == "0.0.0.0" && settings.dataDirectory == "/from/file")
        try settings.apply(environment: ["ENCLAVE_PORT": "9100", "ENCLAVE_DATA_DIR": "/from/env"])
        #expect(settings.port == 9100 && settings.dataDirectory == "/from/env" && settings.host == "0.0.0.0")
        #expect(throws: ConfigurationError.self) { try settings.apply(environment: ["ENCLAVE_PORT": "99999"]) }
        try Data(#"{"prot":1}"#.utf8).write(to: file)
        #expect(throws: ConfigurationError.self) { try settings.apply(configFile: file.path) }
        settings.tlsCertificatePath = "/cert.pem"
        #expect(throws: ConfigurationError.self) { try settings.validate() }
    }

    @Test func theArtifactStoreIsAnS3AddressOrTheDataFolder() throws {
        var settings = ServerConfiguration()
        #expect(settings.artifactStore == nil)
        try settings.apply(environment: ["ENCLAVE_ARTIFACT_STORE": "s3://ml-artifacts/enclave"])
        #expect(settings.artifactStore == "s3://ml-artifacts/enclave")
        for wrong in ["/srv/artifacts", "file:///srv", "gs://bucket"] {
            #expect(throws: ConfigurationError.self) { try settings.set("artifact_store", value: wrong, source: "test") }
        }
        settings.dataDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("enclave-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: settings.dataDirectory) }
        // Without an endpoint the server does not start: the setting names what is missing.
        do {
            _ = try artifactStore(settings, index: NoIndex(), environment: ["AWS_ACCESS_KEY_ID": "a", "AWS_SECRET_ACCESS_KEY": "b"])
            Issue.record("an S3 store without an endpoint was made")
        } catch let error as ConfigurationError {
            #expect(error.description.contains("ENCLAVE_S3_ENDPOINT"))
        }
        #expect(try artifactStore(settings, index: NoIndex(), environment: ["ENCLAVE_S3_ENDPOINT": "http://127.0.0.1:9", "AWS_ACCESS_KEY_ID": "a",
                                                                         "AWS_SECRET_ACCESS_KEY": "b"]) is S3BlobStore)
        settings.artifactStore = nil
        #expect(try artifactStore(settings, index: NoIndex(), environment: [:]) is LocalBlobStore)
    }

    @Test func readRootsMayBeS3Locations() throws {
        var settings = ServerConfiguration()
        try settings.set("artifact_read_roots", value: "/mnt/shared:s3://ml-artifacts/zenml:/srv/x:s3://b2", source: "test")
        #expect(settings.artifactReadRoots == ["/mnt/shared", "s3://ml-artifacts/zenml", "/srv/x", "s3://b2"])
        #expect(settings.artifactReadPolicy.roots == [settings.artifactDirectory, "/mnt/shared", "/srv/x"])
        settings.artifactStore = "s3://own/prefix"
        #expect(settings.objectReadRoots == ["s3://ml-artifacts/zenml", "s3://b2", "s3://own/prefix"])
        #expect(throws: ConfigurationError.self) { try settings.set("artifact_read_roots", value: "relative:s3://b", source: "test") }
        #expect(try allowedObjectContent(ServerConfiguration(), environment: [:]) == nil)
        #expect(throws: ConfigurationError.self) { _ = try allowedObjectContent(settings, environment: [:]) }  // no endpoint, no keys
    }
}

/// An index that records nothing (the choice of store is what is tested).
struct NoIndex: BlobIndex {
    func record(_ info: BlobInfo) async throws {}
    func digest(of path: ArtifactPath) async throws -> String? { nil }
    func forget(_ path: ArtifactPath) async throws {}
}
