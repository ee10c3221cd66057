public import Foundation
import GRDB
import HeraldStore

extension SQLiteStore {
    public func clearContent(finishedBefore cutoff: Date, limit: Int, now: Date) async throws -> Int {
        guard limit > 0 else { return 0 }
        return try await Self.write(pool) { db in
            // The inner query's predicate is the `messages_retention` index's.
            try db.execute(
                sql: """
                    UPDATE messages SET content = NULL, payload = NULL, template = NULL, metadata = '{}', content_cleared_at = ?
                    WHERE id IN (
                        SELECT id FROM messages
                        WHERE content_cleared_at IS NULL AND status NOT IN ('scheduled', 'queued', 'sending') AND updated_at < ?
                        ORDER BY updated_at LIMIT ?
                    )
                    """,
                arguments: [now.millis, cutoff.millis, limit]
            )
            return db.changesCount
        }
    }
}
