import ControlPlane
import Foundation
import Hummingbird
import Secrets

extension Dashboard {
    /// Stacks with their components, and every component with its configuration.
    @Sendable func stackList(_ request: Request, context: Context) async throws -> Response {
        try await signedIn(request) { viewer in
            let stacks: [[String: Any]] = try await self.stacks.stacks().map { stack in
                ["name": stack.name, "description": stack.description,
                 "components": stack.components.map { ["type": $0.type, "name": $0.name, "flavor": $0.flavor] }]
            }
            let components: [[String: Any]] = try await self.stacks.components().map {
                ["id": $0.id, "type": $0.type, "name": $0.name, "flavor": $0.flavor, "configuration": JSONText.pretty($0.configuration)]
            }
            return renderer.page("stacks", ["user": viewer.context, "stacks": stacks, "components": components])
        }
    }

    func secretCaller(_ viewer: Viewer, _ context: Context) -> SecretCaller {
        SecretCaller(userID: viewer.principal.userID, name: viewer.principal.name, mayWrite: viewer.principal.role.canWrite, address: context.peerAddress)
    }

    /// The secrets the person may see: names, scope, owner; values only after an explicit reveal.
    @Sendable func secretList(_ request: Request, context: Context) async throws -> Response {
        try await signedIn(request) { viewer in
            let page = Self.pageNumber(request), size = Self.pageSize
            let secrets = try await self.secrets.list(by: secretCaller(viewer, context), offset: Self.rowOffset(page: page, size: size), limit: size + 1)
            let rows: [[String: Any]] = secrets.prefix(size).map {
                ["id": $0.id, "name": $0.name, "scope": $0.isPrivate ? "private" : "public", "updated": TimeText.moment($0.updated)]
            }
            return renderer.page("secrets", ["user": viewer.context, "items": rows, "mayReveal": viewer.principal.role.canWrite,
                                             "pager": Self.openPager(page: page, hasNext: secrets.count > size, base: "/secrets")])
        }
    }

    /// Reveals one secret's values to a person allowed to read them; the read is audited like any other.
    @Sendable func secretReveal(_ request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.require("id")
        let form = try await Self.form(request, context)
        return try await signedIn(request) { viewer in
            if let refused = forgedForm(form, viewer) { return refused }
            do {
                let (secret, values) = try await secrets.read(id: id, by: secretCaller(viewer, context))
                guard let values else {
                    return renderer.page("message", ["heading": "Not allowed", "text": "Your role does not read secret values.", "user": viewer.context],
                                         status: .forbidden)
                }
                return renderer.page("secret", ["user": viewer.context, "name": secret.name,
                                                 "values": values.sorted { $0.key < $1.key }.map { ["key": $0.key, "value": $0.value] }],
                                     headers: [.cacheControl: "no-store"])
            } catch let error as SecretsError {
                if case .notFound = error {
                    return notFound("There is no such secret.", viewer)
                }
                throw error
            }
        }
    }
}
