import Foundation
import HeraldCore
public import HeraldMetrics
public import HeraldStore
import HeraldStorePostgres
import HeraldStoreSQLite
public import Logging
public import ServiceLifecycle

/// The configured database, open and migrated, with the services it needs running beside the
/// server: none for SQLite; for PostgreSQL the process registry (the connection pool and the
/// notification listener run for the whole of ``withOpenedStore(configuration:processID:logger:_:)``).
public struct OpenedStore: Sendable {
    public var store: any HeraldStore
    public var services: [any Service]
    /// How many processes share the database now (the live ones on PostgreSQL, else 1): each
    /// enforces its share of every rate limit.
    public var processCount: @Sendable () -> Int = { 1 }
    /// This process's membership of the cluster (``PostgresProcessRegistry/membership``); always
    /// epoch 0 for SQLite, the only process on its file.
    public var membership: @Sendable () -> Int? = { 0 }
    /// The key the stored secrets are sealed with, and where it came from.
    public var secrets: SecretBox
    public var secretKeySource: SecretKeySource

    /// Opens the store `configuration` names (`database.url` for PostgreSQL, else the SQLite
    /// `database.path`), migrates it, and runs `body` with it. PostgreSQL's background work is
    /// stopped when `body` returns.
    /// - Parameter processID: this process's id in the cluster; the dispatcher's lease owner.
    /// - Throws: ``HeraldError`` for bad settings, `StoreError` when the database cannot be opened or migrated.
    public static func withOpenedStore<T: Sendable>(
        configuration: HeraldConfiguration,
        processID: String,
        metrics: HeraldMetrics = .off,
        logger: Logger,
        _ body: (OpenedStore) async throws -> T
    ) async throws -> T {
        let postgres = try configuration.postgresConfiguration()
        var (secrets, source) = try SecretKeySource.load(for: configuration)
        guard let postgres else {
            if case .file(let path) = source { secrets = try await finishRotation(keyFile: path, current: secrets, configuration.sqliteConfiguration) }
            let store = try SQLiteStore(configuration: configuration.sqliteConfiguration, secrets: secrets, metrics: metrics)
            // Before any service starts, so the dispatcher never sees an old schema.
            try store.migrate()
            try await checkKey(store, secrets, source, logger)
            return try await body(OpenedStore(store: store, services: [], secrets: secrets, secretKeySource: source))
        }
        let store = PostgresStore(configuration: postgres, secrets: secrets, metrics: metrics, logger: logger.with(label: "postgres"))
        let registry = PostgresProcessRegistry(
            store: store, processID: processID, host: ProcessInfo.processInfo.hostName,
            pid: Int(ProcessInfo.processInfo.processIdentifier),
            interval: configuration.database.heartbeatInterval, timeout: configuration.database.processTimeout,
            logger: logger.with(label: "cluster")
        )
        return try await store.withRunning {
            try await checkKey(store, secrets, source, logger)
            return try await body(OpenedStore(
                store: store, services: [registry], processCount: { registry.liveProcessCount }, membership: { registry.membership },
                secrets: secrets, secretKeySource: source
            ))
        }
    }

    /// A `herald rotate-secret-key` interrupted between sealing and replacing the key file left
    /// the new key in `<key file>.new`: whichever key opens the check value is the database's.
    private static func finishRotation(keyFile: String, current: SecretBox, _ configuration: SQLiteConfiguration) async throws -> SecretBox {
        let pending = SecretKeySource.pendingKeyFilePath(for: keyFile)
        guard FileManager.default.fileExists(atPath: pending) else { return current }
        let candidate = try SecretBox(base64Key: try String(contentsOfFile: pending, encoding: .utf8))
        let probe = try SQLiteStore(configuration: configuration, secrets: candidate)
        try probe.migrate()
        if (try? await probe.setting(SecretBox.checkSetting)) == SecretBox.checkText {
            try SecretKeySource.promote(pending, to: keyFile)
            return candidate
        }
        try? FileManager.default.removeItem(atPath: pending)
        return current
    }

    private static func checkKey(_ store: any HeraldStore, _ secrets: SecretBox, _ source: SecretKeySource, _ logger: Logger) async throws {
        let sealed = try await SecretKeyCheck.verify(store, box: secrets, source: source)
        if sealed > 0 {
            logger.notice("sealed the secrets stored in plain text until now", metadata: ["count": "\(sealed)", "key": "\(source)"])
        }
    }
}
