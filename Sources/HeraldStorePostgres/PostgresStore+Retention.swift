public import Foundation
import HeraldStore
import PostgresNIO

extension PostgresStore {
    public func clearContent(finishedBefore cutoff: Date, limit: Int, now: Date) async throws -> Int {
        guard limit > 0 else { return 0 }
        // SKIP LOCKED: several processes sweeping at once take different messages.
        let rows = try await query(PostgresQuery(
            unsafeSQL: """
                WITH due AS (
                    SELECT id FROM messages
                    WHERE content_cleared_at IS NULL AND status NOT IN ('scheduled', 'queued', 'sending') AND updated_at < $2
                    ORDER BY updated_at LIMIT $3
                    FOR UPDATE SKIP LOCKED
                ), cleared AS (
                    UPDATE messages AS m
                    SET content = NULL, payload = NULL, template = NULL, metadata = '{}', content_cleared_at = $1
                    FROM due WHERE m.id = due.id
                    RETURNING 1
                )
                SELECT COUNT(*) FROM cleared
                """,
            binds: Self.binds(now.millis, cutoff.millis, Int64(limit))
        ))
        return Int(try rows.first?.decode(Int64.self) ?? 0)
    }
}
