import Storage

/// A change to a tag: nil fields stay as they are.
struct TagChange: Sendable {
    var name: String?
    var color: String?
    var exclusive: Bool?
}

/// One link a client asks for or removes: a tag and a resource of a kind.
struct TagResourceLink: Sendable {
    var tagID: String
    var resourceID: String
    var kind: TaggableResource
}

/// Where tags and their links are kept. Names are unique by constraint (`alreadyExists`);
/// linking twice is not an error and yields the existing link, as in ZenML.
protocol TagRepository: Sendable {
    /// Makes a tag and returns its id.
    func create(_ spec: TagSpec, userID: String) async throws -> String
    /// Renames, recolours or changes exclusivity; making a tag exclusive is refused while it
    /// sits on resources that cannot take one, or on two resources of one scope.
    func update(id: String, _ change: TagChange) async throws
    /// Removes the tag and every link; false when there was none.
    func delete(id: String) async throws -> Bool
    /// Makes the links, all or none, and returns their ids in order.
    func link(_ links: [TagResourceLink]) async throws -> [String]
    /// Removes the links, all in one transaction; missing ones are skipped.
    func unlink(_ links: [TagResourceLink]) async throws
}
