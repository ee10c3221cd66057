import Foundation
import GRDB
import HeraldCore
@testable import HeraldStore
@testable import HeraldStoreSQLite
import HeraldTestSupport
import Testing

/// What only the SQLite driver does: the file, its settings, its query plans.
struct SQLiteStoreTests {
    static func open(_ path: String, durability: SQLiteConfiguration.Durability = .full) throws -> SQLiteStore {
        let store = try SQLiteStore(configuration: .init(path: path, durability: durability))
        try store.migrate()
        return store
    }

    @Test func acceptedMessagesSurviveReopening() async throws {
        let path = try TemporaryDirectory.make().appendingPathComponent("h.sqlite").path
        let message = StoreConformanceTests.message()
        do {
            let store = try Self.open(path)
            _ = try await store.enqueue([message])
        }
        let reopened = try Self.open(path)
        #expect(try await reopened.message(id: message.id, tenant: nil) == message)
    }

    @Test func migratingTwiceIsHarmless() throws {
        let path = try TemporaryDirectory.make().appendingPathComponent("h.sqlite").path
        let store = try Self.open(path)
        try store.migrate()
        let applied = try store.pool.read { db in try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations") }
        #expect(applied == SQLiteMigrations.migrator.migrations)
        #expect(applied.first == "001_create_messages")
        #expect(applied.count >= 4)
    }

    @Test(arguments: [(SQLiteConfiguration.Durability.full, 2), (.normal, 1), (.off, 0)])
    func durabilitySetsSynchronous(durability: SQLiteConfiguration.Durability, expected: Int) throws {
        let path = try TemporaryDirectory.make().appendingPathComponent("h.sqlite").path
        let store = try Self.open(path, durability: durability)
        let (synchronous, journal) = try store.pool.write { db in
            (try Int.fetchOne(db, sql: "PRAGMA synchronous"), try String.fetchOne(db, sql: "PRAGMA journal_mode"))
        }
        #expect(synchronous == expected)
        #expect(journal == "wal")
    }

    @Test func claimWalksThePartialIndexes() throws {
        let path = try TemporaryDirectory.make().appendingPathComponent("h.sqlite").path
        let store = try Self.open(path)
        func plan(_ sql: String, _ arguments: StatementArguments) throws -> String {
            try store.pool.read { db in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0["detail"] as String }.joined(separator: "\n")
            }
        }
        let lease: StatementArguments = ["owner": "o", "expiry": 30_000, "now": 0]
        let expired = try plan(SQLiteClaim.expiredSQL, lease + ["limit": 1, "tenants": #"["paused"]"#, "only": nil])
        #expect(expired.contains("messages_leased"), "\(expired)")
        let tenants = try plan(SQLiteClaim.dueTenantsSQL, ["now": 0, "tenants": #"["paused"]"#, "only": nil])
        #expect(tenants.contains("messages_tenant_pending"), "\(tenants)")
        let walk = try plan(SQLiteClaim.tenantSQL, lease + [
            "tenant": "t", "limit": 1, "scan": 4, "keys": #"["profile:x"]"#, "rooms": #"{"http://a": 1}"#, "room": 64, "full": #"["http://b"]"#,
        ])
        #expect(walk.contains("messages_tenant_pending"), "\(walk)")
        for statement in [expired, tenants, walk] {
            #expect(!statement.contains("SCAN messages\n") && !statement.hasSuffix("SCAN messages"), "\(statement)")
        }
    }

    @Test func concurrentEnqueuesShareTransactions() async throws {
        let path = try TemporaryDirectory.make().appendingPathComponent("h.sqlite").path
        let store = try Self.open(path)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<400 {
                group.addTask { _ = try await store.enqueue([StoreConformanceTests.message()]) }
            }
            try await group.waitForAll()
        }
        let count = try await store.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM messages") }
        #expect(count == 400)
    }

    @Test func anUnwritableFileIsAStoreError() {
        #expect(throws: StoreError.self) {
            _ = try SQLiteStore(configuration: .init(path: "/proc/herald-cannot-write-here/h.sqlite"))
        }
    }
}
