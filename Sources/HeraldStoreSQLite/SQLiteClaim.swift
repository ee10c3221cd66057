import Foundation
import GRDB
import HeraldCore
import HeraldStore

/// The claim statement: due pending messages and expired leases, best first, leased in one
/// `UPDATE … RETURNING` that gives each its next lease version. Each inner query walks its partial index in claim order and stops at
/// the limit, so a claim costs the same with ten queued messages as with ten million.
enum SQLiteClaim {
    /// The statuses a claim takes when due, from the core's transition table.
    static let pendingStatuses = MessageStatus.sources(of: .sending)
        .filter { $0 != .sending }
        .map { "'\($0.rawValue)'" }
        .joined(separator: ", ")

    /// Named arguments: `owner`, `expiry`, `now`, `limit`, `keys` (excluded throttle keys, a JSON
    /// array), `tenants` (paused tenants, a JSON array), `only` (the one tenant, or null). A
    /// message of an excluded key is left out unless it holds its turn (`not_before`); the index
    /// walk skips it without reading past the limit of those taken.
    static let sql = """
        UPDATE messages
        SET status = 'sending', lease_owner = :owner, lease_expires_at = :expiry, updated_at = :now,
            lease_version = lease_version + 1,
            lease_expiries = CASE WHEN status = 'sending' THEN lease_expiries + 1 ELSE lease_expiries END
        WHERE id IN (
            SELECT id FROM (
                SELECT * FROM (
                    SELECT id, priority, next_attempt_at AS due FROM messages
                    WHERE status IN (\(pendingStatuses)) AND next_attempt_at <= :now
                        AND (throttle_key IS NULL OR not_before IS NOT NULL
                             OR throttle_key NOT IN (SELECT value FROM json_each(:keys)))
                        AND tenant_id NOT IN (SELECT value FROM json_each(:tenants))
                        AND (:only IS NULL OR tenant_id = :only)
                    ORDER BY priority DESC, next_attempt_at LIMIT :limit)
                UNION ALL
                SELECT * FROM (
                    SELECT id, priority, lease_expires_at AS due FROM messages
                    WHERE status = 'sending' AND lease_expires_at <= :now
                        AND tenant_id NOT IN (SELECT value FROM json_each(:tenants))
                        AND (:only IS NULL OR tenant_id = :only)
                    ORDER BY priority DESC, lease_expires_at LIMIT :limit)
            )
            ORDER BY priority DESC, due LIMIT :limit
        )
        RETURNING \(MessageRow.columns)
        """

    static func arguments(_ params: ClaimParams) -> StatementArguments {
        [
            "owner": params.owner, "expiry": params.now.adding(params.leaseDuration).millis, "now": params.now.millis,
            "limit": params.limit, "keys": JSONValue.array(params.excludedKeys.map(JSONValue.string)).jsonText,
            "tenants": JSONValue.array(params.excludedTenants.map { .string($0.rawValue) }).jsonText,
            "only": params.onlyTenant?.rawValue,
        ]
    }

    /// `RETURNING` gives no order; this restores claim order (priority, then id ≈ age).
    static func order(_ lhs: Message, _ rhs: Message) -> Bool {
        if lhs.priority != rhs.priority { return lhs.priority > rhs.priority }
        return lhs.id < rhs.id
    }
}
