public import Foundation
public import HeraldStore
public import HeraldStorePostgres
import HeraldStoreSQLite
import Logging

/// The drivers the store conformance suites run against, each unchanged.
public enum StoreKind: String, CaseIterable, Sendable {
    case memory
    case sqlite
    case postgres

    /// The drivers that can run here: PostgreSQL only when ``PostgresFixture`` is enabled.
    public static var allCases: [StoreKind] {
        PostgresFixture.isEnabled ? [.memory, .sqlite, .postgres] : [.memory, .sqlite]
    }

    /// Runs `body` with a fresh, empty, migrated store, kept running for the duration of `body`
    /// (PostgreSQL: a schema of its own on the fixture's server).
    public func withStore<T: Sendable>(_ body: @Sendable (any HeraldStore) async throws -> T) async throws -> T {
        switch self {
        case .memory:
            return try await body(InMemoryStore())
        case .sqlite:
            let store = try SQLiteStore(configuration: .init(path: TemporaryDirectory.make().appendingPathComponent("herald.sqlite").path))
            try store.migrate()
            return try await body(store)
        case .postgres:
            return try await Self.withPostgresStore { store in try await body(store) }
        }
    }

    /// Runs `body` with a fresh, migrated PostgreSQL store in a schema of its own.
    public static func withPostgresStore<T: Sendable>(
        schema: String = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""),
        secrets: SecretBox? = nil,
        _ body: @Sendable (PostgresStore) async throws -> T
    ) async throws -> T {
        var configuration = try PostgresConfiguration(url: try await PostgresFixture.serverURL())
        configuration.schema = schema
        configuration.maxConnections = 8
        let store = PostgresStore(configuration: configuration, secrets: secrets, logger: Logger(label: "test.postgres"))
        return try await store.withRunning { try await body(store) }
    }
}

/// A fresh temporary folder per call.
public enum TemporaryDirectory {
    public static func make() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("herald-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
