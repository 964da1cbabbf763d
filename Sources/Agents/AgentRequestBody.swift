import Foundation
import Hummingbird

/// What an agent sends when it registers.
struct Registration: Decodable {
    let name: String, version: String, hostname: String, capacity: Int
    /// The pool it serves; absent: its own name.
    let pool: String?
}

/// What an agent sends with each heartbeat.
struct Heartbeat: Decodable {
    let running: Int, capacity: Int
    /// The runs it holds now (re-reported after a reconnect); their leases are renewed.
    let runs: [String]?
}

/// What an agent sends when it asks for work: how long it will wait for a run.
struct ClaimRequest: Decodable {
    let wait: Int?
}

/// A chunk of a runner log, from byte `offset` of the agent's log file.
struct LogChunk: Decodable {
    let offset: Int, text: String
}

/// What an agent sends when a run's process has ended.
struct RunReport: Decodable {
    let state: String, outcome: String
}

/// Reading and checking agent API request bodies; anything amiss is `AgentsError.badRequest`
/// naming the field.
enum AgentRequestBody {
    /// `request`'s JSON body as `T`, read within `limit` bytes.
    static func decode<T: Decodable>(_ type: T.Type, from request: Request, limit: Int) async throws -> T {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch {
            throw AgentsError.badRequest("The request body is larger than \(limit) bytes.")
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer: buffer))
        } catch DecodingError.keyNotFound(let key, _) {
            throw AgentsError.badRequest("'\(key.stringValue)' is missing.")
        } catch DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context) {
            throw AgentsError.badRequest("'\(context.codingPath.map(\.stringValue).joined(separator: "."))' has the wrong type.")
        } catch {
            throw AgentsError.badRequest("The request body must be a JSON object.")
        }
    }

    /// `value` if it is 1 to 64 letters, digits, `.`, `_` or `-`.
    static func name(_ value: String, field: String) throws -> String {
        guard (1...64).contains(value.utf8.count), value.utf8.allSatisfy({ byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x2E || byte == 0x5F || byte == 0x2D
        }) else { throw AgentsError.badRequest("'\(field)' must be 1 to 64 letters, digits, '.', '_' or '-'.") }
        return value
    }

    /// `value` if it is at most `limit` characters without control characters.
    static func text(_ value: String, field: String, limit: Int) throws -> String {
        guard value.count <= limit, value.unicodeScalars.allSatisfy({ !CharacterSet.controlCharacters.contains($0) }) else {
            throw AgentsError.badRequest("'\(field)' must be text of at most \(limit) characters without control characters.")
        }
        return value
    }

    /// `values` if they are at most `limit` run ids (UUIDs), lowercased.
    static func runIDs(_ values: [String], limit: Int) throws -> [String] {
        guard values.count <= limit else { throw AgentsError.badRequest("'runs' holds more runs than 'capacity'.") }
        return try values.map { value in
            guard let id = UUID(uuidString: value) else { throw AgentsError.badRequest("'runs' must hold run ids (UUIDs).") }
            return id.uuidString.lowercased()
        }
    }

    /// `value` if it lies in `range`.
    static func count(_ value: Int, field: String, in range: ClosedRange<Int>) throws -> Int {
        guard range.contains(value) else {
            throw AgentsError.badRequest("'\(field)' must be a whole number from \(range.lowerBound) to \(range.upperBound).")
        }
        return value
    }
}
