import ControlPlane

/// A run's steps laid out as a left-to-right DAG for SVG: a step's column is the length of
/// the longest chain of parents before it, so every edge points right.
struct RunGraph {
    static let nodeWidth = 190, nodeHeight = 50, columnGap = 70, rowGap = 22, margin = 16

    let nodes: [[String: Any]]
    let edges: [[String: Any]]
    let width: Int
    let height: Int

    init(steps: [StepView], durations: [String: String]) {
        let ids = Set(steps.map(\.id))
        var column: [String: Int] = [:]
        func depth(_ step: StepView, _ seen: Set<String>) -> Int {
            if let known = column[step.id] { return known }
            let parents = step.parentIDs.filter { ids.contains($0) && !seen.contains($0) }
            let value = parents.compactMap { id in steps.first { $0.id == id } }.map { depth($0, seen.union([step.id])) + 1 }.max() ?? 0
            column[step.id] = value
            return value
        }
        var rows: [Int: Int] = [:]
        var position: [String: (x: Int, y: Int)] = [:]
        var nodes: [[String: Any]] = []
        for step in steps {
            let c = depth(step, [])
            let r = rows[c, default: 0]
            rows[c] = r + 1
            let x = Self.margin + c * (Self.nodeWidth + Self.columnGap), y = Self.margin + r * (Self.nodeHeight + Self.rowGap)
            position[step.id] = (x, y)
            nodes.append(["id": step.id, "name": step.name, "status": step.status, "x": x, "y": y, "width": Self.nodeWidth,
                          "height": Self.nodeHeight, "textX": x + 10, "textY": y + 20, "subY": y + 38, "duration": durations[step.id] ?? ""])
        }
        var edges: [[String: Any]] = []
        for step in steps {
            guard let to = position[step.id] else { continue }
            for parent in step.parentIDs {
                guard let from = position[parent] else { continue }
                let x1 = from.x + Self.nodeWidth, y1 = from.y + Self.nodeHeight / 2, x2 = to.x, y2 = to.y + Self.nodeHeight / 2
                edges.append(["x1": x1, "y1": y1, "x2": x2, "y2": y2, "mx": (x1 + x2) / 2])
            }
        }
        let columns = (column.values.max() ?? 0) + 1, tallest = rows.values.max() ?? 1
        self.nodes = nodes
        self.edges = edges
        width = 2 * Self.margin + columns * Self.nodeWidth + (columns - 1) * Self.columnGap
        height = 2 * Self.margin + tallest * Self.nodeHeight + (tallest - 1) * Self.rowGap
    }

    /// The template's view of the graph.
    var context: [String: Any] { ["nodes": nodes, "edges": edges, "width": width, "height": height] }
}
