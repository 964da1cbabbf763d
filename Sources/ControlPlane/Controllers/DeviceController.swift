import Hummingbird
import Identity

/// `/devices`: the clients a person signed in with `zenml login` (all of them for an admin);
/// deleting one revokes every token it holds; `verify` approves a pending one by its code.
struct DeviceController<Context: ControlPlaneRequestContext> {
    let endpoints: Endpoints
    var identity: IdentityStore { endpoints.identity }

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("devices", use: list)
        group.get("devices/:id", use: get)
        group.delete("devices/:id", use: delete)
        group.put("devices/:id/verify", use: verify)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        let devices = try await identity.devices(visibleTo: try context.caller())
        let owners = try await identity.accounts(ids: Set(devices.compactMap(\.userID)))
        let detail = Detail.of(hydrate: try endpoints.hydrate(request, whenAbsent: false))
        let items = devices.map { Self.render($0, owner: $0.userID.flatMap { owners[$0] }, detail: detail) }
        return ZenMLResponse.json(["index": 1, "max_size": .int(Int64(max(items.count, 1))), "total_pages": 1,
                                   "total": .int(Int64(items.count)), "items": .array(items)])
    }

    @Sendable func get(_ request: Request, context: Context) async throws -> Response {
        let device = try await visible(try context.parameters.require("id"), context)
        let owner = try await identity.accounts(ids: Set([device.userID].compactMap { $0 }))
        return ZenMLResponse.json(Self.render(device, owner: device.userID.flatMap { owner[$0] }, detail: .full))
    }

    @Sendable func delete(_ request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.require("id")
        return try await endpoints.write(request, context) { principal in
            try await identity.revokeDevice(id: id, by: principal)
            return nil
        }
    }

    @Sendable func verify(_ request: Request, context: Context) async throws -> Response {
        let fields = try await endpoints.fields(request, context)
        let id = try context.parameters.require("id")
        return try await endpoints.write(request, context) { principal in
            let device = try await identity.verifyDevice(id: id, userCode: try fields.requiredString("user_code"),
                                                         trusted: try fields.bool("trusted_device") ?? false, by: principal)
            return Self.render(device, owner: try await identity.account(principal.userID), detail: .full)
        }
    }

    /// A device the caller may see, or ZenML's 404.
    func visible(_ id: String, _ context: Context) async throws -> Device {
        let caller = try context.caller()
        guard let device = try await identity.device(id: id), caller.isAdmin || device.userID == caller.userID else {
            throw ControlPlaneError.notFound("Unable to get device with ID '\(id)': No device with this ID found.")
        }
        return device
    }

    /// A device as ZenML's `OAuthDeviceResponse`.
    static func render(_ device: Device, owner: Account?, detail: Detail) -> JSONValue {
        WireRenderer.envelope(id: device.id, name: nil, body: [
            "created": .string(device.created), "updated": .string(device.updated), "user_id": .optional(device.userID),
            "client_id": .string(device.clientID), "expires": .string(device.expiresAt), "trusted_device": .bool(device.trusted),
            "status": .string(device.status), "os": .optional(device.os), "ip_address": .optional(device.ipAddress),
            "hostname": .optional(device.hostname),
        ], metadata: detail == .full ? [
            "python_version": .optional(device.pythonVersion), "zenml_version": .optional(device.zenmlVersion), "city": nil, "region": nil,
            "country": nil, "failed_auth_attempts": 0, "last_login": .optional(device.lastLogin),
        ] : .null, resources: ["user": owner.map { WireRenderer.user($0, detail: .nested) } ?? .null])
    }
}
