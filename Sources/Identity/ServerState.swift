/// The server's identity and activation state (one row of `server_state`).
public struct ServerState: Sendable, Codable {
    /// Stable server UUID, reported by `/info` and stored by clients as `server_id`.
    public var serverID: String
    public var name: String
    /// False until the first admin exists; while false only activation is possible.
    public var active: Bool

    enum CodingKeys: String, CodingKey {
        case serverID = "server_id", name, active
    }
}
