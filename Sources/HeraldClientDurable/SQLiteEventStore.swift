import Foundation
import GRDB
public import HeraldClient

/// An ``EmitterEventStore`` in a SQLite file, so that messages added to a ``BatchEmitter``
/// survive the client process dying: on the next start they are sent (their idempotency keys
/// make a batch that was in flight at the crash harmless to send again).
///
/// WAL with `synchronous=NORMAL`: every add is on disk when the process dies; a power loss may
/// take the last few. One writer; each call is one short transaction.
///
/// ```swift
/// let emitter = try BatchEmitter.builder()
///     .serverURL(url).apiKey(key)
///     .eventStore(try SQLiteEventStore(path: "outbox.sqlite"))
///     .build()
/// ```
public final class SQLiteEventStore: EmitterEventStore {
    public let capacity: Int
    private let queue: DatabaseQueue

    /// Opens (creating if needed) the file; messages that were in flight when the last process
    /// stopped wait again.
    /// - Parameter capacity: the most messages held (default 100,000).
    public init(path: String, capacity: Int = 100_000) throws {
        self.capacity = max(1, capacity)
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        queue = try DatabaseQueue(path: path, configuration: configuration)
        try queue.write { db in
            try db.execute(sql: """
                CREATE TABLE IF NOT EXISTS outbox (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    message TEXT NOT NULL,
                    taken INTEGER NOT NULL DEFAULT 0
                );
                UPDATE outbox SET taken = 0 WHERE taken = 1;
                """)
        }
    }

    public func add(_ message: OutgoingMessage) async throws -> Int64? {
        let text = String(decoding: try JSONEncoder().encode(message), as: UTF8.self)
        let capacity = capacity
        return try await queue.write { db in
            guard try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox") ?? 0 < capacity else { return nil }
            try db.execute(sql: "INSERT INTO outbox (message) VALUES (?)", arguments: [text])
            return db.lastInsertedRowID
        }
    }

    public func dropOldest() async throws -> Int64? {
        try await queue.write { db in
            guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM outbox WHERE taken = 0 ORDER BY id LIMIT 1") else { return nil }
            try db.execute(sql: "DELETE FROM outbox WHERE id = ?", arguments: [id])
            return id
        }
    }

    public func take(_ limit: Int) async throws -> [StoredMessage] {
        let rows = try await queue.write { db in
            let rows = try Row.fetchAll(db, sql: "SELECT id, message FROM outbox WHERE taken = 0 ORDER BY id LIMIT ?", arguments: [max(0, limit)])
            if let last = rows.last?["id"] as Int64? {
                try db.execute(sql: "UPDATE outbox SET taken = 1 WHERE taken = 0 AND id <= ?", arguments: [last])
            }
            return rows.map { ($0["id"] as Int64, $0["message"] as String) }
        }
        return try rows.map { StoredMessage(id: $0.0, message: try Self.decode($0.1)) }
    }

    public func finish(_ ids: [Int64]) async throws {
        guard !ids.isEmpty else { return }
        try await queue.write { db in
            try db.execute(sql: "DELETE FROM outbox WHERE id IN (SELECT value FROM json_each(?))", arguments: [Self.list(ids)])
        }
    }

    public func release(_ ids: [Int64]) async throws {
        guard !ids.isEmpty else { return }
        try await queue.write { db in
            try db.execute(sql: "UPDATE outbox SET taken = 0 WHERE id IN (SELECT value FROM json_each(?))", arguments: [Self.list(ids)])
        }
    }

    public func all() async throws -> [StoredMessage] {
        let rows = try await queue.read { db in
            try Row.fetchAll(db, sql: "SELECT id, message FROM outbox ORDER BY id").map { ($0["id"] as Int64, $0["message"] as String) }
        }
        return try rows.map { StoredMessage(id: $0.0, message: try Self.decode($0.1)) }
    }

    private static func decode(_ text: String) throws -> OutgoingMessage {
        try JSONDecoder().decode(OutgoingMessage.self, from: Data(text.utf8))
    }

    private static func list(_ ids: [Int64]) -> String {
        "[" + ids.map(String.init).joined(separator: ",") + "]"
    }
}
