import Foundation
import HeraldCore
import HeraldStore
import Logging
import PostgresNIO

/// A claim: expired leases first (a process died holding them), then due pending messages
/// shared between the tenants with due work (``FairClaimPlan``) — each round one statement
/// that walks every tenant's own partial index for its share (`LATERAL`), locked with
/// `FOR UPDATE SKIP LOCKED`, takes no more of one destination than its room, and leases what it
/// takes in the same `UPDATE … RETURNING`. Concurrent claimers in any number of processes skip
/// each other's rows instead of waiting on them, and each shares its own claims fairly.
struct PostgresClaim {
    /// The statuses a claim takes when due, from the core's transition table.
    static let pendingStatuses = MessageStatus.sources(of: .sending)
        .filter { $0 != .sending }
        .map { "'\($0.rawValue)'" }
        .sorted()
        .joined(separator: ", ")

    /// How many rows past its share one tenant's walk reads, so it can skip the messages of a
    /// destination with no room left.
    static let lookAhead = 4

    static let lease = """
        SET status = 'sending', lease_owner = $1, lease_expires_at = $2, updated_at = $3, lease_version = m.lease_version + 1,
            lease_expiries = CASE WHEN m.status = 'sending' THEN m.lease_expiries + 1 ELSE m.lease_expiries END
        """

    /// Expired leases, oldest first. $1 owner, $2 lease expiry, $3 now, $4 limit, $5 paused
    /// tenants, $6 the one tenant (or null).
    static let expiredSQL = """
        UPDATE messages AS m \(lease)
        WHERE m.id = ANY(ARRAY(
            SELECT id FROM messages
            WHERE status = 'sending' AND lease_expires_at <= $3
                AND NOT (tenant_id = ANY($5::text[])) AND ($6::text IS NULL OR tenant_id = $6::text)
            ORDER BY priority DESC, lease_expires_at LIMIT $4
            FOR UPDATE SKIP LOCKED
        ))
        RETURNING \(PostgresMessageRow.columns(qualifiedBy: "m"))
        """

    /// The tenants with pending messages (a skip scan of `messages_tenant_pending`: one index
    /// probe a tenant), those due now, with their weights. $1 now, $2 paused tenants, $3 the
    /// one tenant (or null).
    static let dueTenantsSQL = """
        WITH RECURSIVE waiting(tenant) AS (
            (SELECT tenant_id FROM messages WHERE status IN (\(pendingStatuses)) AND ($3::text IS NULL OR tenant_id = $3::text)
             ORDER BY tenant_id LIMIT 1)
            UNION ALL
            SELECT (SELECT tenant_id FROM messages WHERE status IN (\(pendingStatuses)) AND tenant_id > waiting.tenant ORDER BY tenant_id LIMIT 1)
            FROM waiting WHERE waiting.tenant IS NOT NULL AND $3::text IS NULL
        )
        SELECT waiting.tenant, COALESCE(tenants.weight, 1) FROM waiting LEFT JOIN tenants ON tenants.id = waiting.tenant
        WHERE waiting.tenant IS NOT NULL AND NOT (waiting.tenant = ANY($2::text[]))
            AND EXISTS (
                SELECT 1 FROM messages AS d
                WHERE d.tenant_id = waiting.tenant AND d.status IN (\(pendingStatuses)) AND d.next_attempt_at <= $1
            )
        """

    /// One round: each tenant's share, best first — a message of an excluded throttle key left
    /// out unless it holds its turn (`not_before`), a destination with no room left skipped — no
    /// more of one destination than its room. $1 owner, $2 lease expiry, $3 now, $4 tenants,
    /// $5 their shares, $6 rows each walk reads per message of its share, $7 excluded throttle
    /// keys, $8 room by destination (JSON), $9 the room of any other destination, $10
    /// destinations with no room.
    static let roundSQL = """
        WITH shares AS (SELECT * FROM unnest($4::text[], $5::int8[]) AS s(tenant, share)),
        walk AS (
            SELECT w.*, shares.share FROM shares, LATERAL (
                SELECT id, tenant_id, destination, priority, next_attempt_at FROM messages
                WHERE tenant_id = shares.tenant AND status IN (\(pendingStatuses)) AND next_attempt_at <= $3
                    AND (throttle_key IS NULL OR not_before IS NOT NULL OR NOT (throttle_key = ANY($7::text[])))
                    AND (destination IS NULL OR NOT (destination = ANY($10::text[])))
                ORDER BY priority DESC, next_attempt_at LIMIT shares.share * $6
                FOR UPDATE SKIP LOCKED
            ) AS w
        ), placed AS (
            SELECT walk.*, ROW_NUMBER() OVER (PARTITION BY destination ORDER BY priority DESC, next_attempt_at, id) AS place FROM walk
        ), fitting AS (
            SELECT placed.*, ROW_NUMBER() OVER (PARTITION BY tenant_id ORDER BY priority DESC, next_attempt_at, id) AS turn
            FROM placed LEFT JOIN jsonb_each_text($8::jsonb) AS room ON room.key = placed.destination
            WHERE placed.destination IS NULL OR placed.place <= COALESCE(room.value::int8, $9)
        )
        UPDATE messages AS m \(lease)
        WHERE m.id = ANY(ARRAY(SELECT id FROM fitting WHERE turn <= share))
        RETURNING \(PostgresMessageRow.columns(qualifiedBy: "m"))
        """

    let params: ClaimParams

    /// Runs the claim's statements on `store`'s connections.
    func run(_ store: PostgresStore) async throws -> [Message] {
        let leaseBinds = PostgresStore.binds(params.owner, params.now.adding(params.leaseDuration).millis, params.now.millis)
        var expired = leaseBinds
        expired.append(Int64(params.limit))
        expired.append(params.excludedTenants.map(\.rawValue))
        expired.append(params.onlyTenant?.rawValue)
        var claimed = try await store.query(PostgresQuery(unsafeSQL: Self.expiredSQL, binds: expired)).map(PostgresMessageRow.message)
        guard claimed.count < params.limit else { return claimed }

        var dueBinds = PostgresStore.binds(params.now.millis, params.excludedTenants.map(\.rawValue))
        dueBinds.append(params.onlyTenant?.rawValue)
        let due = try await store.query(PostgresQuery(unsafeSQL: Self.dueTenantsSQL, binds: dueBinds)).map { row in
            let (tenant, weight) = try row.decode((String, Int64).self)
            return DueTenant(id: TenantID(tenant), weight: Int(weight))
        }
        var rooms = params.fairness.destinationRooms
        var plan = FairClaimPlan(limit: params.limit - claimed.count, due: due, fairness: params.fairness)
        while let round = plan.nextRound() {
            var binds = leaseBinds
            binds.append(round.map(\.tenant.rawValue))
            binds.append(round.map { Int64($0.count) })
            binds.append(Int64(params.fairness.perDestination == nil ? 1 : Self.lookAhead))
            binds.append(params.excludedKeys)
            binds.append(JSONValue.object(rooms.mapValues { .integer(Int64($0)) }).jsonText)
            binds.append(Int64(params.fairness.perDestination ?? Int(Int32.max)))
            binds.append(rooms.filter { $0.value <= 0 }.keys.sorted())
            let taken = try await store.query(PostgresQuery(unsafeSQL: Self.roundSQL, binds: binds)).map(PostgresMessageRow.message)
            claimed += taken
            var filled: Set<TenantID> = []
            if let bound = params.fairness.perDestination {
                for message in taken {
                    guard let destination = message.destination else { continue }
                    rooms[destination] = (rooms[destination] ?? bound) - 1
                    if rooms[destination]! <= 0 { filled.insert(message.tenantID) }
                }
            }
            let byTenant = Dictionary(grouping: taken, by: \.tenantID)
            for (tenant, count) in round {
                plan.took(byTenant[tenant]?.count ?? 0, of: count, for: tenant, filledDestination: filled.contains(tenant))
            }
        }
        return claimed
    }

    /// `RETURNING` gives no order; this restores claim order (priority, then id ≈ age).
    static func order(_ lhs: Message, _ rhs: Message) -> Bool {
        if lhs.priority != rhs.priority { return lhs.priority > rhs.priority }
        return lhs.id < rhs.id
    }
}
