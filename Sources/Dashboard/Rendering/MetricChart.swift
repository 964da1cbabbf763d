import Tracking

/// One metric's history as an SVG line chart: steps across, values up, with the range on
/// the axes. Only numbers reach the template, so nothing in it needs escaping.
struct MetricChart {
    static let width = 520.0, height = 180.0, left = 56.0, bottom = 24.0, top = 10.0, right = 12.0

    let context: [String: Any]

    /// Several runs' histories of one metric on shared axes, one line each.
    static func overlaid(key: String, series: [(run: String, history: [Metric])]) -> [String: Any] {
        let all = series.flatMap(\.history).filter { $0.value.isFinite }
        let minStep = all.map { Double($0.step) }.min() ?? 0, maxStep = all.map { Double($0.step) }.max() ?? 1
        let minValue = all.map(\.value).min() ?? 0, maxValue = all.map(\.value).max() ?? 1
        let spanStep = maxStep > minStep ? maxStep - minStep : 1, spanValue = maxValue > minValue ? maxValue - minValue : 1
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let lines: [[String: Any]] = series.enumerated().map { index, entry in
            let points = entry.history.filter { $0.value.isFinite }.map { point -> String in
                String(format: "%.1f,%.1f", left + (Double(point.step) - minStep) / spanStep * plotWidth,
                       top + (1 - (point.value - minValue) / spanValue) * plotHeight)
            }.joined(separator: " ")
            return ["run": entry.run, "points": points, "series": index % 6]
        }
        return ["key": key, "lines": lines, "width": Int(width), "height": Int(height), "left": Int(left), "right": Int(width - right),
                "bottom": Int(height - bottom), "top": Int(top), "minValue": label(minValue), "maxValue": label(maxValue),
                "minStep": Int(minStep), "maxStep": Int(maxStep), "labelY": Int(height - 6)]
    }

    init(key: String, history: [Metric]) {
        let points = history.filter { $0.value.isFinite }
        let steps = points.map { Double($0.step) }, values = points.map(\.value)
        let minStep = steps.min() ?? 0, maxStep = steps.max() ?? 1
        let minValue = values.min() ?? 0, maxValue = values.max() ?? 1
        let spanStep = maxStep > minStep ? maxStep - minStep : 1, spanValue = maxValue > minValue ? maxValue - minValue : 1
        let plotWidth = Self.width - Self.left - Self.right, plotHeight = Self.height - Self.top - Self.bottom
        let line = points.map { point -> String in
            let x = Self.left + (Double(point.step) - minStep) / spanStep * plotWidth
            let y = Self.top + (1 - (point.value - minValue) / spanValue) * plotHeight
            return String(format: "%.1f,%.1f", x, y)
        }.joined(separator: " ")
        context = [
            "key": key, "points": line, "count": history.count, "width": Int(Self.width), "height": Int(Self.height),
            "left": Int(Self.left), "right": Int(Self.width - Self.right), "bottom": Int(Self.height - Self.bottom), "top": Int(Self.top),
            "minValue": Self.label(minValue), "maxValue": Self.label(maxValue), "minStep": Int(minStep), "maxStep": Int(maxStep),
            "labelY": Int(Self.height - 6), "last": Self.label(values.last ?? .nan),
        ]
    }

    /// A value short enough for an axis label.
    static func label(_ value: Double) -> String {
        guard value.isFinite else { return "–" }
        return abs(value) >= 1e5 || (abs(value) < 1e-3 && value != 0) ? String(format: "%.3g", value) : String(format: "%.4g", value)
    }
}
