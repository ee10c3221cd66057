/// Every `HERALD_*` environment variable Herald and its own tooling read, in one place: each
/// setting's variable and aliases (``ConfigurationKey/all``), and the others listed here — the
/// CLI's, and those the tests, CI, benchmarks and examples use. `herald serve` and the other
/// commands that read the configuration stop on any other `HERALD_*` variable, naming the
/// closest known one: a misspelled setting must not be silently ignored.
public enum KnownEnvironment {
    /// The variables that are not settings, with what reads them.
    public static let others: [(name: String, readBy: String)] = [
        ("HERALD_CONFIG", "the YAML configuration file (`--config`)"),
        ("HERALD_URL", "the CLI: the server it talks to (`--server`)"),
        ("HERALD_BINARY", "tests and benchmarks: the herald binary to run"),
        ("HERALD_BIN", "CI and scripts: the herald binary to run"),
        ("HERALD_TEST_POSTGRES_URL", "tests: a PostgreSQL to use instead of starting one"),
        ("HERALD_REQUIRE_POSTGRES", "tests: fail instead of skipping when PostgreSQL cannot run"),
        ("HERALD_WAKE_TEST", "tests: run the dispatcher's destination-bound wake test"),
    ]

    /// Families of variables, by prefix: `HERALD_EXAMPLE_*` configure the examples.
    public static let prefixes = ["HERALD_EXAMPLE_"]

    /// Every known name.
    public static var names: Set<String> {
        var names = Set(others.map(\.name))
        for key in ConfigurationKey.all {
            names.insert(key.environmentName)
            names.formUnion(key.aliases)
        }
        return names
    }

    /// One problem per `HERALD_*` variable in `environment` that nothing reads, naming the
    /// closest known one when there is one close enough to be a misspelling.
    public static func problems(in environment: [String: String]) -> [String] {
        let known = names
        return environment.keys.sorted().compactMap { name in
            guard name.hasPrefix("HERALD_"), !known.contains(name), !prefixes.contains(where: name.hasPrefix) else { return nil }
            let hint = ClosestName.to(name, among: known).map { "did you mean \($0)?" }
                ?? "see the configuration reference in the README for the variables Herald reads"
            return "unknown environment variable \(name): \(hint)"
        }
    }
}
