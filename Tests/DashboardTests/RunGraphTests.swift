import Testing
@testable import ControlPlane
@testable import Dashboard

/// The run page's DAG as drawn: every edge's SVG path, sampled along its curves and lines,
/// never passes behind a box other than the two it joins, for the four-step pipeline with
/// skip edges the dashboard once hid and for random DAGs.
@Suite struct RunGraphTests {
    static func step(_ id: String, _ parents: [String] = []) -> StepView {
        StepView(id: id, name: id, status: "completed", startTime: nil, endTime: nil, parentIDs: parents, cacheKey: nil,
                 inputs: [], outputs: [], configuration: "{}", metadata: "{}")
    }

    /// Points along an SVG path made of M, C and L commands (absolute coordinates).
    static func samples(_ d: String) -> [(Double, Double)] {
        let numbers = d.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
        var index = 0, current = (0.0, 0.0), points: [(Double, Double)] = []
        func take() -> (Double, Double) {
            defer { index += 2 }
            return (Double(numbers[index].drop(while: { $0.isLetter })) ?? .nan, Double(numbers[index + 1]) ?? .nan)
        }
        while index < numbers.count {
            let command = numbers[index].first ?? " "
            switch command {
            case "M":
                current = take()
                points.append(current)
            case "L":
                let end = take()
                for t in stride(from: 0.0, through: 1.0, by: 0.02) {
                    points.append((current.0 + (end.0 - current.0) * t, current.1 + (end.1 - current.1) * t))
                }
                current = end
            case "C":
                let c1 = take(), c2 = take(), end = take()
                for t in stride(from: 0.0, through: 1.0, by: 0.02) {
                    let u = 1 - t
                    let x = u * u * u * current.0 + 3 * u * u * t * c1.0 + 3 * u * t * t * c2.0 + t * t * t * end.0
                    let y = u * u * u * current.1 + 3 * u * u * t * c1.1 + 3 * u * t * t * c2.1 + t * t * t * end.1
                    points.append((x, y))
                }
                current = end
            default:
                Issue.record("unexpected path command in \(d)")
                return points
            }
        }
        return points
    }

    /// The (edge, box) pairs where an edge's drawn path runs inside a box it does not join.
    static func hidden(_ graph: RunGraph) -> [String] {
        var found: [String] = []
        for route in graph.routes {
            for box in graph.boxes where box.id != route.from && box.id != route.to {
                let inside = samples(route.path).contains { x, y in
                    x > Double(box.x) && x < Double(box.x + box.width) && y > Double(box.y) && y < Double(box.y + box.height)
                }
                if inside { found.append("\(route.from)→\(route.to) behind \(box.id)") }
            }
        }
        return found
    }

    @Test func skipEdgesOfAFourStepPipelineStayVisible() {
        let steps = [Self.step("load"), Self.step("preprocess", ["load"]), Self.step("train", ["preprocess", "load"]),
                     Self.step("evaluate", ["train", "load"])]
        let graph = RunGraph(steps: steps, durations: [:])
        #expect(graph.routes.count == 5)
        #expect(Self.hidden(graph) == [])
        // Each edge starts on its parent's right side and ends on its child's left side.
        for route in graph.routes {
            guard let from = graph.boxes.first(where: { $0.id == route.from }), let to = graph.boxes.first(where: { $0.id == route.to }),
                  let first = route.points.first, let last = route.points.last else { Issue.record("unjoined \(route)"); continue }
            #expect(first.x == from.x + from.width && (from.y...from.y + from.height).contains(first.y))
            #expect(last.x == to.x && (to.y...to.y + to.height).contains(last.y))
        }
        // The graph's size holds every box.
        for box in graph.boxes { #expect(box.x + box.width <= graph.width && box.y + box.height <= graph.height) }
    }

    @Test func randomDAGsHideNoEdge() {
        var generator = SeededGenerator(seed: 20)
        for round in 0..<60 {
            let count = Int.random(in: 2...14, using: &generator)
            var steps: [StepView] = []
            for index in 0..<count {
                let parents = (0..<index).filter { _ in Int.random(in: 0..<4, using: &generator) == 0 }.map { "s\($0)" }
                steps.append(Self.step("s\(index)", parents))
            }
            let graph = RunGraph(steps: steps, durations: [:])
            #expect(Self.hidden(graph) == [], "round \(round)")
            #expect(Set(graph.boxes.map { "\($0.x),\($0.y)" }).count == count, "two boxes on one spot in round \(round)")
        }
    }

    @Test func aCycleInStoredDataStillDraws() {
        let graph = RunGraph(steps: [Self.step("a", ["b"]), Self.step("b", ["a"]), Self.step("c", ["x-unknown"])], durations: [:])
        #expect(graph.boxes.count == 3)
    }
}

/// A small deterministic generator (SplitMix64), so a failing round can be replayed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
