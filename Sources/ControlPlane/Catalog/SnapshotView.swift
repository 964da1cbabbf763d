import Foundation

/// A named snapshot of a pipeline as the dashboard offers it to be run: the agent pool its
/// stack is bound to (nil: not runnable from Enclave) and each step's parameters with the
/// values the snapshot holds, which a run may override.
public struct SnapshotView: Sendable {
    public let id: String
    public let name: String
    public let stackName: String?
    public let pool: String?
    /// Step invocation id → parameter name → value as JSON text, in the snapshot's order.
    public let parameters: [(step: String, name: String, value: String)]

    /// The view of a snapshot row: its stored step configurations and its stack's labels.
    init(id: String, name: String, stepConfigurations: String, stackName: String?, stackLabels: String?) {
        self.id = id; self.name = name; self.stackName = stackName
        let labels = JSONValue.parseStored(stackLabels)
        pool = labels[AgentBinding.label]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        var parameters: [(step: String, name: String, value: String)] = []
        for (step, configuration) in JSONValue.parseStored(stepConfigurations).objectValue ?? [:] {
            for (name, value) in configuration["config"]?["parameters"]?.objectValue ?? [:] {
                parameters.append((step, name, value.text))
            }
        }
        self.parameters = parameters
    }
}

/// The SQL both engines read snapshot views with (one `?`/`$1`: the pipeline id).
enum SnapshotViewQuery {
    static func sql(_ mark: String) -> String {
        """
        SELECT s.id, s.name, s.step_configurations, st.name AS stack_name, st.labels AS stack_labels
        FROM pipeline_snapshots s LEFT JOIN stacks st ON st.id = s.stack_id
        WHERE s.pipeline_id = \(mark) AND s.name IS NOT NULL ORDER BY s.created DESC, s.id LIMIT 50
        """
    }
}
