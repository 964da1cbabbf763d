import Crypto
import Foundation
import Hummingbird

/// Signs the URLs multipart parts are sent to. The client sends parts without its
/// credentials (they are meant for a store's presigned URLs), so each URL carries an
/// HMAC of its upload id and part number under a key that lives only in this process.
public struct MultipartPartSigner: Sendable {
    let key: [UInt8]
    /// `http` or `https`: how clients reach this server.
    let scheme: String

    public init(scheme: String) {
        key = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
        self.scheme = scheme
    }

    func signature(upload: String, part: Int) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("\(upload)/\(part)".utf8), using: SymmetricKey(data: key))
        return mac.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }

    /// Whether `request` is a part upload carrying the right signature for its upload and part.
    func isSigned(_ request: Request) -> Bool {
        let components = request.uri.path.split(separator: "/")
        guard components.count >= 2, let part = Int(components[components.count - 1]),
              let fields = try? MLflowRequest.formFields(request.uri.query ?? ""),
              let signature = fields.last(where: { $0.0 == "signature" })?.1 else { return false }
        let expected = self.signature(upload: String(components[components.count - 2]), part: part)
        return expected.utf8.count == signature.utf8.count && zip(expected.utf8, signature.utf8).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// `scheme://host[:port]/<api prefix>` as the client addressed this request.
    func baseURL(_ request: Request) -> String {
        let authority = request.head.authority ?? "127.0.0.1"
        let prefix = request.uri.path.hasPrefix("/ajax-api/") ? "/ajax-api/2.0/mlflow-artifacts" : "/api/2.0/mlflow-artifacts"
        return "\(scheme)://\(authority)\(prefix)"
    }
}
