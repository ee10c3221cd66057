import Foundation
import HeraldCore
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

    /// Opens the store `configuration` names (`database.url` for PostgreSQL, else the SQLite
    /// `database.path`), migrates it, and runs `body` with it. PostgreSQL's background work is
    /// stopped when `body` returns.
    /// - Parameter processID: this process's id in the cluster; the dispatcher's lease owner.
    /// - Throws: ``HeraldError`` for bad settings, `StoreError` when the database cannot be opened or migrated.
    public static func withOpenedStore<T: Sendable>(
        configuration: HeraldConfiguration,
        processID: String,
        logger: Logger,
        _ body: (OpenedStore) async throws -> T
    ) async throws -> T {
        guard let postgres = try configuration.postgresConfiguration() else {
            let store = try SQLiteStore(configuration: configuration.sqliteConfiguration)
            // Before any service starts, so the dispatcher never sees an old schema.
            try store.migrate()
            return try await body(OpenedStore(store: store, services: []))
        }
        let store = PostgresStore(configuration: postgres, logger: logger.with(label: "postgres"))
        let registry = PostgresProcessRegistry(
            store: store, processID: processID, host: ProcessInfo.processInfo.hostName,
            pid: Int(ProcessInfo.processInfo.processIdentifier),
            interval: configuration.database.heartbeatInterval, timeout: configuration.database.processTimeout,
            logger: logger.with(label: "cluster")
        )
        return try await store.withRunning {
            try await body(OpenedStore(store: store, services: [registry], processCount: { registry.liveProcessCount }))
        }
    }
}
