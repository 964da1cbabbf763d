/// Tags to add to and remove from one resource.
struct ResourceTagChange: Sendable {
    var add: [TagSpec] = []
    var remove: [String] = []

    init() {}

    /// The `add_tags` and `remove_tags` of an update body.
    init(_ fields: RequestFields) throws {
        add = try TagSpec.list(fields.raw("add_tags"), field: "add_tags")
        remove = try TagSpec.list(fields.raw("remove_tags"), field: "remove_tags").map(\.name)
    }
}
