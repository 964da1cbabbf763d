import Foundation
import Hummingbird
import Identity

extension Dashboard {
    /// Where `zenml login http://HOST` sends the person: the device's details and its code to approve.
    @Sendable func deviceVerifyPage(_ request: Request, context: Context) async throws -> Response {
        try await signedIn(request) { viewer in
            guard let id = Self.query(request, "device_id"), let device = try await identity.device(id: id) else {
                return renderer.page("message", ["heading": "No such device", "text": "Run `zenml login` again to get a new link.", "user": viewer.context],
                                     status: .notFound)
            }
            return renderer.page("deviceVerify", ["user": viewer.context, "device": Self.deviceRow(device), "userCode": Self.query(request, "user_code") ?? ""])
        }
    }

    /// Approves the device when the form came from this dashboard and the code matches.
    @Sendable func deviceVerify(_ request: Request, context: Context) async throws -> Response {
        let form = try await Self.form(request, context)
        return try await signedIn(request) { viewer in
            if let refused = forgedForm(form, viewer) { return refused }
            do {
                let device = try await identity.verifyDevice(id: form["device_id"] ?? "", userCode: form["user_code"] ?? "",
                                                             trusted: form["trusted"] == "on", by: viewer.principal)
                return renderer.page("message", ["heading": "Device approved",
                                                 "text": "\(device.hostname ?? "The device") is signed in as \(viewer.principal.name). You can go back to the terminal.",
                                                 "user": viewer.context])
            } catch let error as IdentityError {
                let text: String
                switch error {
                case let .invalid(message), let .notFound(message), let .forbidden(message): text = message
                default: text = "The device could not be approved."
                }
                return renderer.page("message", ["heading": "Not approved", "text": text, "user": viewer.context], status: .badRequest)
            }
        }
    }

    /// The devices the person signed in with (every device for an admin), each revocable.
    @Sendable func deviceList(_ request: Request, context: Context) async throws -> Response {
        try await signedIn(request) { viewer in
            let devices = try await identity.devices(visibleTo: viewer.principal)
            return renderer.page("devices", ["user": viewer.context, "items": devices.map(Self.deviceRow)])
        }
    }

    @Sendable func deviceRevoke(_ request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.require("id")
        let form = try await Self.form(request, context)
        return try await signedIn(request) { viewer in
            if let refused = forgedForm(form, viewer) { return refused }
            try await identity.revokeDevice(id: id, by: viewer.principal)
            return PageRenderer.redirect(to: "/devices")
        }
    }

    static func deviceRow(_ device: Device) -> [String: Any] {
        ["id": device.id, "hostname": device.hostname ?? "unknown host", "os": device.os ?? "", "ip": device.ipAddress ?? "",
         "zenml": device.zenmlVersion ?? "", "python": device.pythonVersion ?? "", "status": device.status,
         "trusted": device.trusted ? "yes" : "no", "lastLogin": TimeText.moment(device.lastLogin), "created": TimeText.moment(device.created)]
    }
}
