import Foundation
import Testing
@testable import Tracking

/// MLflow bodies are read with every number exact: a metric logged is the metric read back,
/// to the last bit (Linux's `JSONSerialization` rounded `1/9` to its neighbour).
@Suite struct ExactJSONTests {
    struct Missing: Error { let key: String }

    /// `object[key]`, which the test needs there.
    func field(_ object: [String: Any], _ key: String) throws -> Any {
        guard let value = object[key] else { throw Missing(key: key) }
        return value
    }

    @Test func numbersComeBackToTheLastBit() throws {
        let values: [Double] = [1.0 / 9, 0.1, 123456.789012345678, 1e-300, -2.5e17, 0.30000000000000004, Double.leastNormalMagnitude]
        let body = "{" + values.enumerated().map { "\"v\($0.offset)\": \($0.element)" }.joined(separator: ", ") + "}"
        let object = try #require(ExactJSON.parse(Array(body.utf8)) as? [String: Any])
        for (index, value) in values.enumerated() {
            let number = try #require(MLflowRequest.number(try field(object, "v\(index)")))
            #expect(number.doubleValue.bitPattern == value.bitPattern, "\(value) came back \(number.doubleValue)")
        }
    }

    @Test func shapesAreJSONSerializations() throws {
        let object = try #require(ExactJSON.parse(Array(#"{"b": true, "i": 7, "n": null, "s": "x", "a": [1, "y"], "o": {"k": 2.5}}"#.utf8)) as? [String: Any])
        let flag = try #require(MLflowRequest.number(try field(object, "b")))
        #expect(MLflowRequest.isBoolean(flag) && flag.boolValue)
        let integer = try #require(MLflowRequest.number(try field(object, "i")))
        #expect(!MLflowRequest.isBoolean(integer) && integer.int64Value == 7)
        #expect(MLflowRequest.isNull(try field(object, "n")))
        #expect(MLflowRequest.text(try field(object, "s")) == "x")
        #expect(MLflowRequest.list(try field(object, "a"))?.count == 2)
        #expect(MLflowRequest.object(try field(object, "o"))?["k"] != nil)
        #expect(ExactJSON.parse(Array("{not json".utf8)) == nil)
    }

    @Test func aThousandMetricBatchParsesQuickly() throws {
        let metrics = (0..<1000).map { #"{"key": "loss", "value": \#(1.0 / Double($0 + 3)), "timestamp": 1733300000000, "step": \#($0)}"# }
        let body = Array(#"{"run_id": "r", "metrics": [\#(metrics.joined(separator: ", "))]}"#.utf8)
        let clock = ContinuousClock()
        let exact = clock.measure { for _ in 0..<10 { _ = ExactJSON.parse(body) } }
        let rounded = clock.measure { for _ in 0..<10 { _ = try? JSONSerialization.jsonObject(with: Data(body)) } }
        print("1000-metric batch, 10 parses: exact \(exact), JSONSerialization \(rounded)")
        #expect(exact < .seconds(5))
    }
}
