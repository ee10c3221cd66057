import Foundation
import HeraldCore
import HeraldStore
import PostgresNIO

/// The claim statement: due pending messages and expired leases, best first, locked with
/// `FOR UPDATE SKIP LOCKED` and leased in the same `UPDATE … RETURNING`. Concurrent claimers in
/// any number of processes skip each other's rows instead of waiting on them, and each inner
/// query walks its partial index in claim order and stops at the limit.
enum PostgresClaim {
    /// The statuses a claim takes when due, from the core's transition table.
    static let pendingStatuses = MessageStatus.sources(of: .sending)
        .filter { $0 != .sending }
        .map { "'\($0.rawValue)'" }
        .sorted()
        .joined(separator: ", ")

    /// Parameters: $1 owner, $2 lease expiry, $3 now, $4 limit, $5 excluded throttle keys, $6
    /// paused tenants, $7 the one tenant (or null). A message of an excluded key is left out
    /// unless it holds its turn (`not_before`).
    static let sql = """
        WITH pending AS (
            SELECT id, priority, next_attempt_at AS due FROM messages
            WHERE status IN (\(pendingStatuses)) AND next_attempt_at <= $3
                AND (throttle_key IS NULL OR not_before IS NOT NULL OR NOT (throttle_key = ANY($5::text[])))
                AND NOT (tenant_id = ANY($6::text[])) AND ($7::text IS NULL OR tenant_id = $7::text)
            ORDER BY priority DESC, next_attempt_at LIMIT $4
            FOR UPDATE SKIP LOCKED
        ), expired AS (
            SELECT id, priority, lease_expires_at AS due FROM messages
            WHERE status = 'sending' AND lease_expires_at <= $3
                AND NOT (tenant_id = ANY($6::text[])) AND ($7::text IS NULL OR tenant_id = $7::text)
            ORDER BY priority DESC, lease_expires_at LIMIT $4
            FOR UPDATE SKIP LOCKED
        ), picked AS (
            SELECT id FROM (SELECT * FROM pending UNION ALL SELECT * FROM expired) AS due
            ORDER BY priority DESC, due LIMIT $4
        )
        UPDATE messages AS m
        SET status = 'sending', lease_owner = $1, lease_expires_at = $2, updated_at = $3, lease_version = m.lease_version + 1,
            lease_expiries = CASE WHEN m.status = 'sending' THEN m.lease_expiries + 1 ELSE m.lease_expiries END
        FROM picked WHERE m.id = picked.id
        RETURNING \(PostgresMessageRow.columns(qualifiedBy: "m"))
        """

    static func query(_ params: ClaimParams) -> PostgresQuery {
        var binds = PostgresStore.binds(
            params.owner, params.now.adding(params.leaseDuration).millis, params.now.millis, Int64(params.limit),
            params.excludedKeys, params.excludedTenants.map(\.rawValue)
        )
        binds.append(params.onlyTenant?.rawValue)
        return PostgresQuery(unsafeSQL: sql, binds: binds)
    }

    /// `RETURNING` gives no order; this restores claim order (priority, then id ≈ age).
    static func order(_ lhs: Message, _ rhs: Message) -> Bool {
        if lhs.priority != rhs.priority { return lhs.priority > rhs.priority }
        return lhs.id < rhs.id
    }
}
