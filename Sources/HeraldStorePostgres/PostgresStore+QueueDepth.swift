public import HeraldCore
import HeraldStore
import PostgresNIO

extension PostgresStore {
    /// The sum of every backend's rows of `message_counts`, kept by statement triggers
    /// (migration 10). Rows of backends that have ended are folded into slot 0 first, so the
    /// table stays a few rows per live connection.
    public func queueDepth() async throws -> [MessageStatus: Int] {
        _ = try await query(PostgresQuery(unsafeSQL: """
            WITH gone AS (
                DELETE FROM message_counts
                WHERE slot <> 0 AND slot NOT IN (SELECT pid FROM pg_stat_activity WHERE pid IS NOT NULL)
                RETURNING status, n
            )
            INSERT INTO message_counts (status, slot, n)
                SELECT status, 0, SUM(n) FROM gone GROUP BY status
                ON CONFLICT (status, slot) DO UPDATE SET n = message_counts.n + EXCLUDED.n
            """))
        let rows = try await query(PostgresQuery(unsafeSQL: "SELECT status, SUM(n)::BIGINT FROM message_counts GROUP BY status"))
        return try rows.reduce(into: [:]) { counts, row in
            let (text, count) = try row.decode((String, Int64).self)
            guard let status = MessageStatus(rawValue: text) else { throw StoreError.corrupt("unknown status \(text)") }
            counts[status] = Int(count)
        }
    }
}
