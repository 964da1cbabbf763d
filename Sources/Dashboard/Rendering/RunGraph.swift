import ControlPlane

/// A run's steps laid out as a layered left-to-right DAG for SVG, so that every edge stays
/// visible: a step's column is the length of the longest chain of parents before it; an edge
/// that skips columns passes through a free slot of its own in each column it crosses; the
/// order within a column follows the neighbours' (barycentre sweeps) to keep crossings few.
/// Between columns an edge is a curve inside the gap, across a column a straight line through
/// its slot, so no edge runs behind a box.
struct RunGraph {
    static let nodeWidth = 190, nodeHeight = 50, columnGap = 70, rowGap = 22, margin = 16

    /// A point of the drawing.
    struct Point: Equatable { let x: Int, y: Int }

    /// One step's box.
    struct Box {
        let id: String, name: String, status: String, duration: String
        let x: Int, y: Int
        var width: Int { RunGraph.nodeWidth }
        var height: Int { RunGraph.nodeHeight }
    }

    /// One parent-to-child edge: where it leaves the parent, the slots it passes, where it
    /// enters the child.
    struct Route {
        let from: String, to: String
        /// Start, then an entry and exit point per column passed, then the end.
        let points: [Point]

        /// The SVG path: curves in the gaps between columns, straight lines across a column.
        var path: String {
            guard let first = points.first else { return "" }
            var d = "M\(first.x),\(first.y)"
            var index = 1
            while index < points.count {
                let a = points[index - 1], b = points[index]
                let mx = (a.x + b.x) / 2
                d += " C\(mx),\(a.y) \(mx),\(b.y) \(b.x),\(b.y)"
                if index + 1 < points.count { d += " L\(points[index + 1].x),\(points[index + 1].y)" }
                index += 2
            }
            return d
        }
    }

    let boxes: [Box]
    let routes: [Route]
    let width: Int
    let height: Int

    init(steps: [StepView], durations: [String: String]) {
        let layer = Self.layers(steps)
        let known = Set(steps.map(\.id))
        // Each column's slots, real steps and the pass-through slots of longer edges.
        enum Slot: Hashable { case step(String), passing(edge: Int, column: Int) }
        var columns: [[Slot]] = Array(repeating: [], count: (layer.values.max() ?? 0) + 1)
        for step in steps { columns[layer[step.id] ?? 0].append(.step(step.id)) }
        var edges: [(from: String, to: String, passed: Range<Int>)] = []
        var neighbours: [Slot: (before: [Slot], after: [Slot])] = [:]
        func link(_ a: Slot, _ b: Slot) {
            neighbours[a, default: ([], [])].after.append(b)
            neighbours[b, default: ([], [])].before.append(a)
        }
        for step in steps {
            for parent in step.parentIDs where known.contains(parent) {
                let start = layer[parent] ?? 0, end = layer[step.id] ?? 0
                let index = edges.count, passed = start + 1 < end ? start + 1..<end : 0..<0
                for column in passed { columns[column].append(.passing(edge: index, column: column)) }
                let chain = [Slot.step(parent)] + passed.map { Slot.passing(edge: index, column: $0) } + [Slot.step(step.id)]
                for (a, b) in zip(chain, chain.dropFirst()) { link(a, b) }
                edges.append((parent, step.id, passed))
            }
        }
        // Barycentre sweeps, down and up, a few times: each slot moves towards the mean row
        // of its neighbours in the column before (or after); ties keep their order.
        var row: [Slot: Int] = [:]
        for column in columns { for (index, slot) in column.enumerated() { row[slot] = index } }
        for _ in 0..<4 {
            for down in [true, false] {
                let order = down ? Array(columns.indices.dropFirst()) : Array(columns.indices.dropLast().reversed())
                for c in order {
                    let keyed = columns[c].enumerated().map { index, slot -> (slot: Slot, key: Double, index: Int) in
                        let rows = ((down ? neighbours[slot]?.before : neighbours[slot]?.after) ?? []).compactMap { row[$0] }
                        return (slot, rows.isEmpty ? Double(index) : Double(rows.reduce(0, +)) / Double(rows.count), index)
                    }
                    columns[c] = keyed.sorted { ($0.key, $0.index) < ($1.key, $1.index) }.map(\.slot)
                    for (index, slot) in columns[c].enumerated() { row[slot] = index }
                }
            }
        }
        func corner(_ slot: Slot, column: Int) -> Point {
            Point(x: Self.margin + column * (Self.nodeWidth + Self.columnGap), y: Self.margin + (row[slot] ?? 0) * (Self.nodeHeight + Self.rowGap))
        }
        var boxes: [Box] = []
        for step in steps {
            let at = corner(.step(step.id), column: layer[step.id] ?? 0)
            boxes.append(Box(id: step.id, name: step.name, status: step.status, duration: durations[step.id] ?? "", x: at.x, y: at.y))
        }
        let middle = Self.nodeHeight / 2
        routes = edges.enumerated().map { index, edge in
            let from = corner(.step(edge.from), column: layer[edge.from] ?? 0), to = corner(.step(edge.to), column: layer[edge.to] ?? 0)
            var points = [Point(x: from.x + Self.nodeWidth, y: from.y + middle)]
            for column in edge.passed {
                let at = corner(.passing(edge: index, column: column), column: column)
                points += [Point(x: at.x, y: at.y + middle), Point(x: at.x + Self.nodeWidth, y: at.y + middle)]
            }
            points.append(Point(x: to.x, y: to.y + middle))
            return Route(from: edge.from, to: edge.to, points: points)
        }
        self.boxes = boxes
        let tallest = columns.map(\.count).max() ?? 1
        width = 2 * Self.margin + columns.count * Self.nodeWidth + (columns.count - 1) * Self.columnGap
        height = 2 * Self.margin + tallest * Self.nodeHeight + max(tallest - 1, 0) * Self.rowGap
    }

    /// Each step's column: the longest chain of known parents before it (a cycle in stored
    /// data is cut where it closes, so a damaged run still draws).
    static func layers(_ steps: [StepView]) -> [String: Int] {
        let byID = Dictionary(steps.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var layer: [String: Int] = [:]
        func depth(_ id: String, _ seen: Set<String>) -> Int {
            if let known = layer[id] { return known }
            let parents = (byID[id]?.parentIDs ?? []).filter { byID[$0] != nil && !seen.contains($0) }
            let value = parents.map { depth($0, seen.union([id])) + 1 }.max() ?? 0
            layer[id] = value
            return value
        }
        for step in steps { _ = depth(step.id, []) }
        return layer
    }

    /// The template's view of the graph.
    var context: [String: Any] {
        ["nodes": boxes.map { box -> [String: Any] in
            ["id": box.id, "name": box.name, "status": box.status, "x": box.x, "y": box.y, "width": box.width, "height": box.height,
             "textX": box.x + 10, "textY": box.y + 20, "subY": box.y + 38, "duration": box.duration]
         },
         "edges": routes.map { ["from": $0.from, "to": $0.to, "d": $0.path] },
         "width": width, "height": height]
    }
}
