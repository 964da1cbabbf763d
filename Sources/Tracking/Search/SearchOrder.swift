/// One `order_by` term: an entity and a direction (ascending unless `DESC`).
public struct SearchOrder: Sendable, Equatable {
    public let entity: SearchFilter.Entity
    public let ascending: Bool

    /// Parses MLflow's `order_by` list (`metrics.acc DESC`, `attributes.start_time`, `name ASC`).
    public static func parse(_ terms: [String], attributes: SearchAttributes) throws -> [SearchOrder] {
        try terms.map { term in
            func invalid(_ why: String) -> TrackingError { .invalidParameter("Invalid order_by clause '\(TrackingRules.printable(term))': \(why)") }
            var tokens = try SearchTokenizer.tokens(term)
            guard let first = tokens.first else { throw invalid("it is empty") }
            tokens.removeFirst()
            let entity: SearchFilter.Entity
            switch first {
            case .identifier(let prefix, let key):
                switch prefix.lowercased() {
                case "metrics", "metric": entity = .metric(key)
                case "params", "param", "parameters", "parameter": entity = .param(key)
                case "tags", "tag": entity = .tag(key)
                case "attributes", "attribute", "attr", "run":
                    guard let name = attributes.canonical(key) else { throw invalid("unknown attribute '\(key)'") }
                    entity = .attribute(name)
                default: throw invalid("invalid entity type '\(prefix)'")
                }
            case .word(let word):
                guard let name = attributes.canonical(word) else { throw invalid("unknown attribute '\(word)'") }
                entity = .attribute(name)
            default:
                throw invalid("expected a key")
            }
            var ascending = true
            if case .word(let direction)? = tokens.first {
                switch direction.uppercased() {
                case "ASC": ascending = true
                case "DESC": ascending = false
                default: throw invalid("the direction must be ASC or DESC")
                }
                tokens.removeFirst()
            }
            guard tokens.isEmpty else { throw invalid("unexpected text after the direction") }
            return SearchOrder(entity: entity, ascending: ascending)
        }
    }
}
