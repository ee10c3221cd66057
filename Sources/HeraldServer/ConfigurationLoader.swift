public import Foundation
import HeraldChannels
public import HeraldCore
import HeraldStorePostgres
import Yams

/// Builds a ``HeraldConfiguration`` from defaults, then a YAML file, then the environment, then
/// explicit overrides (command-line flags) — each level overriding the one before.
public struct ConfigurationLoader: Sendable {
    /// The YAML file to read; when `nil`, `./herald.yaml` is read if it exists.
    public var file: String?
    public var environment: [String: String]
    /// `section.key` → value, applied last.
    public var overrides: [(path: String, value: String)]

    public init(file: String?, environment: [String: String] = ProcessInfo.processInfo.environment, overrides: [(path: String, value: String)] = []) {
        self.file = file
        self.environment = environment
        self.overrides = overrides
    }

    /// - Throws: ``HeraldError/invalidConfiguration(_:)`` naming every problem found — each
    ///   key and what it expects, each unknown key or `HERALD_*` variable with the closest known
    ///   one — not only the first.
    public func load() throws(HeraldError) -> HeraldConfiguration {
        var configuration = HeraldConfiguration()
        var problems = ConfigurationProblems()
        let keys = Dictionary(uniqueKeysWithValues: ConfigurationKey.all.map { ($0.path, $0) })

        if let path = file ?? environment["HERALD_CONFIG"] ?? (FileManager.default.fileExists(atPath: "herald.yaml") ? "herald.yaml" : nil) {
            applyYAML(at: path, to: &configuration, keys: keys, problems: &problems)
        }
        problems.add(KnownEnvironment.problems(in: environment))
        for key in ConfigurationKey.all {
            // The canonical name wins over an alias when both are set.
            for name in key.aliases + [key.environmentName] {
                if let value = environment[name] { problems.collect { () throws(HeraldError) in try key.apply(&configuration, value) } }
            }
        }
        for (path, value) in overrides {
            guard let key = keys[path] else {
                problems.add(["unknown setting \(path)" + (ClosestName.to(path, among: keys.keys).map { ": did you mean \($0)?" } ?? "")])
                continue
            }
            problems.collect { () throws(HeraldError) in try key.apply(&configuration, value) }
        }
        try problems.throwIfAny()
        try Self.takeDatabaseURLFromPath(&configuration)
        return configuration
    }

    /// A `postgres://` URL given where a SQLite file is expected (`--database`,
    /// `HERALD_DATABASE`, `database.path`) means PostgreSQL; one that disagrees with
    /// `database.url` stops start-up, naming both.
    static func takeDatabaseURLFromPath(_ configuration: inout HeraldConfiguration) throws(HeraldError) {
        let path = configuration.database.path
        guard PostgresConfiguration.isPostgresURL(path) else { return }
        if let url = configuration.database.url, !url.isEmpty, url != path {
            throw .invalidConfiguration(
                "two databases are named: --database / HERALD_DATABASE / database.path says \(PostgresConfiguration.redacted(path)) "
                    + "but database.url / HERALD_DATABASE_URL says \(PostgresConfiguration.redacted(url)); give one"
            )
        }
        configuration.database.url = path
        configuration.database.path = HeraldConfiguration.Database().path
    }

    private func applyYAML(
        at path: String, to configuration: inout HeraldConfiguration, keys: [String: ConfigurationKey], problems: inout ConfigurationProblems
    ) {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            return problems.add(["cannot read the configuration file \(path)"])
        }
        let document: Any?
        do {
            document = try Yams.load(yaml: text)
        } catch {
            return problems.add(["\(path) is not valid YAML: \(error)"])
        }
        guard let document else { return }
        guard let sections = document as? [String: Any] else {
            return problems.add(["\(path) must be a mapping of sections (app, database, dispatcher, retry, webhook)"])
        }
        let known = Set(keys.keys).union(["webhook.headers", "webhook.endpoints"])
        for (section, content) in sections.sorted(by: { $0.key < $1.key }) {
            guard let entries = content as? [String: Any] else {
                problems.add(["\(path): section '\(section)' must be a mapping"])
                continue
            }
            for (name, value) in entries.sorted(by: { $0.key < $1.key }) {
                let keyPath = "\(section).\(name)"
                problems.collect { () throws(HeraldError) in
                    switch keyPath {
                    case "webhook.headers":
                        configuration.webhook.headers = try stringMap(value, keyPath)
                    case "webhook.endpoints":
                        configuration.webhook.endpoints = try endpoints(value)
                    default:
                        guard let key = keys[keyPath] else {
                            let hint = ClosestName.to(keyPath, among: known).map { ": did you mean '\($0)'?" } ?? ""
                            throw .invalidConfiguration("\(path): unknown setting '\(keyPath)'\(hint)")
                        }
                        try key.apply(&configuration, try scalar(value, keyPath))
                    }
                }
            }
        }
    }

    private func scalar(_ value: Any, _ path: String) throws(HeraldError) -> String {
        switch value {
        case let text as String: return text
        case let flag as Bool: return flag ? "true" : "false"
        case let number as Int: return String(number)
        case let number as Double: return String(number)
        case let list as [Any]: return try list.map { item throws(HeraldError) in try scalar(item, path) }.joined(separator: ",")
        default: throw .invalidConfiguration("\(path) must be a single value")
        }
    }

    private func stringMap(_ value: Any, _ path: String) throws(HeraldError) -> [String: String] {
        guard let map = value as? [String: Any] else { throw .invalidConfiguration("\(path) must be a mapping of names to values") }
        var result: [String: String] = [:]
        for (name, item) in map { result[name] = try scalar(item, "\(path).\(name)") }
        return result
    }

    /// `webhook.endpoints`: each entry's `url_prefix` an absolute http(s) URL, its `tenants` the
    /// tenants it serves (only `default` when it names none).
    private func endpoints(_ value: Any) throws(HeraldError) -> [WebhookEndpoint] {
        guard let list = value as? [[String: Any]] else {
            throw .invalidConfiguration("webhook.endpoints must be a list of {url_prefix, tenants, secret, bearer_token, headers}")
        }
        var result: [WebhookEndpoint] = []
        for (index, entry) in list.enumerated() {
            let path = "webhook.endpoints[\(index)]"
            guard let prefix = entry["url_prefix"] as? String else { throw .invalidConfiguration("\(path).url_prefix is required") }
            for key in entry.keys where !["url_prefix", "tenants", "secret", "bearer_token", "headers"].contains(key) {
                throw .invalidConfiguration("\(path): unknown setting '\(key)' (known: url_prefix, tenants, secret, bearer_token, headers)")
            }
            var tenants: Set<TenantID> = [.default]
            if let listed = entry["tenants"] {
                guard let names = listed as? [Any], !names.isEmpty, names.allSatisfy({ ($0 as? String).map(Tenant.isValidID) == true }) else {
                    throw .invalidConfiguration("\(path).tenants must be a list of tenant ids")
                }
                tenants = Set(names.compactMap { ($0 as? String).map(TenantID.init) })
            }
            result.append(WebhookEndpoint(
                prefix: try WebhookURLPrefix(prefix, setting: "\(path).url_prefix"),
                settings: WebhookEndpointSettings(
                    secret: entry["secret"] as? String,
                    bearerToken: entry["bearer_token"] as? String,
                    headers: try entry["headers"].map { item throws(HeraldError) in try stringMap(item, "\(path).headers") } ?? [:]
                ),
                tenants: tenants
            ))
        }
        return result
    }
}
