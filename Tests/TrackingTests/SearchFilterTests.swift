@testable import Tracking
import Testing

/// MLflow's filter grammar, parsed without a database.
@Suite struct SearchFilterTests {
    @Test func theClientsFiltersParse() throws {
        let filter = try SearchFilter("metrics.acc > 0.2 and params.model = 'cnn' AND tags.`mlflow.runName` != 'r1'", attributes: .runs)
        #expect(filter.clauses == [
            .init(entity: .metric("acc"), comparator: .greater, value: .number(0.2)),
            .init(entity: .param("model"), comparator: .equal, value: .string("cnn")),
            .init(entity: .tag("mlflow.runName"), comparator: .notEqual, value: .string("r1")),
        ])
        #expect(try SearchFilter("attributes.run_id IN ('a', \"b\")", attributes: .runs).clauses.first?.value == .list(["a", "b"]))
        #expect(try SearchFilter("attributes.created > 1795712675191", attributes: .runs).clauses.first?.entity == .attribute("start_time"))
        #expect(try SearchFilter("params.x IS NOT NULL", attributes: .runs).clauses.first?.comparator == .isNotNull)
        #expect(try SearchFilter("name LIKE 'it''s%'", attributes: .experiments).clauses.first?.value == .string("it's%"))
        #expect(try SearchFilter("   ", attributes: .runs).clauses.isEmpty)
        #expect(try SearchFilter("datasets.context IN ('eval', 'train')", attributes: .runs).clauses.first?.entity == .dataset("context"))
        #expect(throws: TrackingError.self) { try SearchFilter("datasets.name = 'd'", attributes: .experiments) }
    }

    @Test func malformedFiltersAreInvalidParameters() {
        for bad in ["metrics.acc > 'x'", "params.lr > 1", "a = 1 OR b = 2", "(metrics.a > 1)", "tags.x = 'open", "metrics.", "attributes.nope = 'x'",
                    "datasets.rows = 'd'", "datasets.name > 'd'", "metrics.a >> 1", "params.p IN ('a')", "metrics.a > 1 AND", "metrics.a > 1e999",
                    String(repeating: "x", count: 10_001)] {
            #expect(throws: TrackingError.self, "\(bad)") { try SearchFilter(bad, attributes: .runs) }
        }
    }

    @Test func orderTermsParse() throws {
        #expect(try SearchOrder.parse(["metrics.acc DESC", "attributes.start_time", "name asc"].dropLast(), attributes: .runs)
                == [SearchOrder(entity: .metric("acc"), ascending: false), SearchOrder(entity: .attribute("start_time"), ascending: true)])
        #expect(try SearchOrder.parse(["name ASC"], attributes: .experiments) == [SearchOrder(entity: .attribute("name"), ascending: true)])
        #expect(throws: TrackingError.self) { try SearchOrder.parse(["metrics.acc SIDEWAYS"], attributes: .runs) }
        #expect(throws: TrackingError.self) { try SearchOrder.parse(["metrics.acc DESC extra"], attributes: .runs) }
    }
}
