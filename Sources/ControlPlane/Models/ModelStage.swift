/// ZenML's model version stages. `staging` and `production` are held by one version of a
/// model at a time; `latest` is a lookup, never stored.
enum ModelStage {
    static let stored: Set<String> = ["none", "staging", "production", "archived"]
    static let held: Set<String> = ["staging", "production"]
    static let all: Set<String> = stored.union(["latest"])
}
