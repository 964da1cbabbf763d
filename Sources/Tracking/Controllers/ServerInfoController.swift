import Hummingbird
import NIOCore

/// `GET /api/3.0/mlflow/server-info` and `GET /version`: what the client probes before it
/// picks a feature. The version is the MLflow release whose API Enclave speaks; the client
/// gates span logging on it (≥ 3.4).
struct ServerInfoController<Context: TrackingRequestContext> {
    /// The MLflow version whose wire protocol this server implements.
    static var mlflowVersion: String { "3.17.2" }

    func addInfoRoute(to group: RouterGroup<Context>) {
        group.get("server-info", use: info)
    }

    func addVersionRoute(to group: RouterGroup<Context>) {
        group.get(use: version)
    }

    func info(_ request: Request, context: Context) async throws -> Response {
        try MLflowWire.response([
            "store_type": "SqlStore", "workspaces_enabled": false, "trace_archival_enabled": false,
            "multipart_uploads_enabled": true, "multipart_downloads_enabled": false,
            "presigned_upload_run_id_supported": false, "presigned_upload_model_id_supported": false,
            "features_enabled": ["gateway": false],
        ])
    }

    func version(_ request: Request, context: Context) async throws -> Response {
        Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: Self.mlflowVersion)))
    }
}
