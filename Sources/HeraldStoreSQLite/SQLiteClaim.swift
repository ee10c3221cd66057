import Foundation
import GRDB
import HeraldCore
import HeraldStore

/// A claim, in one write transaction: expired leases first (a process died holding them), then
/// due pending messages shared between the tenants with due work (``FairClaimPlan``), each
/// tenant's taken by a walk of its own partial index in claim order that stops at its share —
/// so a claim costs about the same with one tenant's ten messages or its ten million.
struct SQLiteClaim {
    /// The statuses a claim takes when due, from the core's transition table.
    static let pendingStatuses = MessageStatus.sources(of: .sending)
        .filter { $0 != .sending }
        .map { "'\($0.rawValue)'" }
        .joined(separator: ", ")

    /// How many rows past its share one tenant's walk reads, so it can skip the messages of a
    /// destination with no room left.
    static let lookAhead = 4

    static let lease = """
        SET status = 'sending', lease_owner = :owner, lease_expires_at = :expiry, updated_at = :now,
            lease_version = lease_version + 1,
            lease_expiries = CASE WHEN status = 'sending' THEN lease_expiries + 1 ELSE lease_expiries END
        """

    /// Expired leases, oldest first. Named arguments: `owner`, `expiry`, `now`, `limit`,
    /// `tenants` (paused tenants, a JSON array), `only` (the one tenant, or null).
    static let expiredSQL = """
        UPDATE messages \(lease)
        WHERE id IN (
            SELECT id FROM messages
            WHERE status = 'sending' AND lease_expires_at <= :now
                AND tenant_id NOT IN (SELECT value FROM json_each(:tenants)) AND (:only IS NULL OR tenant_id = :only)
            ORDER BY priority DESC, lease_expires_at LIMIT :limit
        )
        RETURNING \(MessageRow.columns)
        """

    /// The tenants with pending messages (a skip scan of `messages_tenant_pending`: one index
    /// probe a tenant), those due now, with their weights. Named arguments: `now`, `tenants`
    /// (paused tenants), `only`.
    static let dueTenantsSQL = """
        WITH RECURSIVE waiting(tenant) AS (
            SELECT MIN(tenant_id) FROM messages WHERE status IN (\(pendingStatuses)) AND (:only IS NULL OR tenant_id = :only)
            UNION ALL
            SELECT (SELECT MIN(tenant_id) FROM messages WHERE status IN (\(pendingStatuses)) AND tenant_id > waiting.tenant)
            FROM waiting WHERE waiting.tenant IS NOT NULL AND :only IS NULL
        )
        SELECT waiting.tenant, COALESCE(tenants.weight, 1) FROM waiting LEFT JOIN tenants ON tenants.id = waiting.tenant
        WHERE waiting.tenant IS NOT NULL AND waiting.tenant NOT IN (SELECT value FROM json_each(:tenants))
            AND EXISTS (
                SELECT 1 FROM messages AS m
                WHERE m.tenant_id = waiting.tenant AND m.status IN (\(pendingStatuses)) AND m.next_attempt_at <= :now
            )
        """

    /// One tenant's share: its due messages best first — a message of an excluded throttle key
    /// left out unless it holds its turn (`not_before`), a destination with no room left skipped
    /// — no more of one destination than its room. Named arguments: `owner`, `expiry`, `now`,
    /// `tenant`, `limit`, `scan` (rows read), `keys` (excluded throttle keys, a JSON array),
    /// `full` (destinations with no room, a JSON array), `rooms` (room by destination, a JSON
    /// object), `room` (the room of any other destination).
    static let tenantSQL = """
        WITH walk AS (
            SELECT id, destination, priority, next_attempt_at FROM messages
            WHERE tenant_id = :tenant AND status IN (\(pendingStatuses)) AND next_attempt_at <= :now
                AND (throttle_key IS NULL OR not_before IS NOT NULL OR throttle_key NOT IN (SELECT value FROM json_each(:keys)))
                AND (destination IS NULL OR destination NOT IN (SELECT value FROM json_each(:full)))
            ORDER BY priority DESC, next_attempt_at LIMIT :scan
        ), ranked AS (
            SELECT id, destination, priority, next_attempt_at,
                ROW_NUMBER() OVER (PARTITION BY destination ORDER BY priority DESC, next_attempt_at) AS place
            FROM walk
        )
        UPDATE messages \(lease)
        WHERE id IN (
            SELECT id FROM ranked
            WHERE destination IS NULL
                OR place <= COALESCE((SELECT value FROM json_each(:rooms) WHERE key = ranked.destination), :room)
            ORDER BY priority DESC, next_attempt_at LIMIT :limit
        )
        RETURNING \(MessageRow.columns)
        """

    let params: ClaimParams

    /// Runs the claim in `db`'s transaction.
    func run(_ db: Database) throws -> [Message] {
        var expired = leaseArguments
        expired += ["limit": params.limit, "tenants": tenantList, "only": params.onlyTenant?.rawValue]
        var claimed = try Row.fetchAll(db.cachedStatement(sql: Self.expiredSQL), arguments: expired).map(MessageRow.message)
        guard claimed.count < params.limit else { return claimed }
        let due = try Row.fetchAll(db.cachedStatement(sql: Self.dueTenantsSQL), arguments: [
            "now": params.now.millis, "tenants": tenantList, "only": params.onlyTenant?.rawValue,
        ]).map { DueTenant(id: TenantID($0[0] as String), weight: $0[1]) }
        var rooms = params.fairness.destinationRooms
        var plan = FairClaimPlan(limit: params.limit - claimed.count, due: due, fairness: params.fairness)
        let statement = try db.cachedStatement(sql: Self.tenantSQL)
        while let round = plan.nextRound() {
            for (tenant, count) in round {
                var arguments = leaseArguments
                arguments += [
                    "tenant": tenant.rawValue, "limit": count, "scan": params.fairness.perDestination == nil ? count : count * Self.lookAhead,
                    "keys": keyList, "rooms": JSONValue.object(rooms.mapValues { .integer(Int64($0)) }).jsonText,
                    "full": JSONValue.array(rooms.filter { $0.value <= 0 }.keys.sorted().map(JSONValue.string)).jsonText,
                    "room": params.fairness.perDestination ?? Int.max,
                ]
                let taken = try Row.fetchAll(statement, arguments: arguments).map(MessageRow.message)
                claimed += taken
                var filled = false
                if let bound = params.fairness.perDestination {
                    for destination in taken.compactMap(\.destination) {
                        rooms[destination] = (rooms[destination] ?? bound) - 1
                        filled = filled || rooms[destination]! <= 0
                    }
                }
                plan.took(taken.count, of: count, for: tenant, filledDestination: filled)
            }
        }
        return claimed
    }

    private var leaseArguments: StatementArguments {
        ["owner": params.owner, "expiry": params.now.adding(params.leaseDuration).millis, "now": params.now.millis]
    }

    private var tenantList: String {
        JSONValue.array(params.excludedTenants.map { .string($0.rawValue) }).jsonText
    }

    private var keyList: String {
        JSONValue.array(params.excludedKeys.map(JSONValue.string)).jsonText
    }

    /// `RETURNING` gives no order; this restores claim order (priority, then id ≈ age).
    static func order(_ lhs: Message, _ rhs: Message) -> Bool {
        if lhs.priority != rhs.priority { return lhs.priority > rhs.priority }
        return lhs.id < rhs.id
    }
}
