import Foundation
import HeraldCore
import HeraldStore
import Logging
import PostgresNIO

/// One group commit of enqueues, in the caller's transaction, in a fixed number of statements
/// whatever the batch size: read the replays, lock and read the usage counters, insert the new
/// messages in multi-row `INSERT`s, add to the counters, `NOTIFY`.
///
/// Usage counters are locked in one sorted statement before anything else, so concurrent
/// enqueues in several processes queue on them rather than deadlock, and a quota is never
/// overrun by two processes reading the same count.
struct PostgresEnqueue {
    /// The most rows one `INSERT` carries (26 parameters each, under PostgreSQL's 65,535).
    static let rowsPerInsert = 1000

    private struct Item {
        var request: Int
        var message: Message
        var quota: Quota?
    }

    private struct IdempotencyKey: Hashable {
        var tenant: TenantID
        var key: String
    }

    private struct UsageKey: Hashable, Comparable {
        var tenant: String
        var period: String
        var start: Int64

        static func < (lhs: Self, rhs: Self) -> Bool {
            (lhs.tenant, lhs.period, lhs.start) < (rhs.tenant, rhs.period, rhs.start)
        }
    }

    /// Where one item ended up before the results are read back.
    private enum Decision {
        case insert
        case existing(Message)
        case sameKeyAs(Int)
        case quotaExceeded
    }

    private let items: [Item]
    private let requestSizes: [Int]

    init(requests: [EnqueueRequest]) {
        var items: [Item] = []
        for (index, request) in requests.enumerated() {
            for message in request.messages {
                items.append(Item(request: index, message: message, quota: request.quota))
            }
        }
        self.items = items
        requestSizes = requests.map(\.messages.count)
    }

    /// - Returns: one result list per request, in order.
    func run(on connection: LeasedConnection, logger: Logger) async throws -> [[EnqueueResult]] {
        var stored = try await storedMessages(keys: Set(items.compactMap(Self.idempotencyKey)), connection, logger)
        var usage = try await lockUsage(connection, logger)
        var decisions: [Decision] = []
        decisions.reserveCapacity(items.count)
        var firstUse: [IdempotencyKey: Int] = [:]
        for (index, item) in items.enumerated() {
            let key = Self.idempotencyKey(item)
            if let key, let original = stored[key] {
                decisions.append(.existing(original))
            } else if let key, let first = firstUse[key] {
                decisions.append(.sameKeyAs(first))
            } else if let quota = item.quota,
                      usage[Self.usageKey(item.message, quota.period)] ?? 0 >= quota.limit {
                decisions.append(.quotaExceeded)
            } else {
                decisions.append(.insert)
                if let key { firstUse[key] = index }
                // Events use no quota.
                for period in Quota.Period.allCases where item.message.kind == .message {
                    usage[Self.usageKey(item.message, period), default: 0] += 1
                }
            }
        }

        let toInsert = decisions.indices.filter { if case .insert = decisions[$0] { true } else { false } }
        let newMessages = toInsert.map { items[$0].message }
        let inserted = try await Self.insert(newMessages, connection, logger)
        // A key another process stored after we looked: that message is the answer.
        let raced = toInsert.filter { !inserted.contains(items[$0].message.id.rawValue) }
        if !raced.isEmpty {
            let keys = Set(raced.compactMap { Self.idempotencyKey(items[$0]) })
            stored.merge(try await storedMessages(keys: keys, connection, logger)) { $1 }
        }
        try await addUsage(of: newMessages.filter { inserted.contains($0.id.rawValue) && $0.kind == .message }, connection, logger)
        if !inserted.isEmpty {
            try await connection.query("SELECT pg_notify('\(unescaped: PostgresStore.workChannel)', '')", logger: logger)
        }

        var results: [EnqueueResult] = []
        results.reserveCapacity(items.count)
        for (index, decision) in decisions.enumerated() {
            switch decision {
            case .insert:
                results.append(try result(ofInserted: items[index], inserted, stored))
            case .existing(let message):
                results.append(.existing(message))
            case .sameKeyAs(let first):
                switch results[first] {
                case .created(let message), .existing(let message): results.append(.existing(message))
                case .quotaExceeded: results.append(.quotaExceeded)
                }
            case .quotaExceeded:
                results.append(.quotaExceeded)
            }
        }
        var offset = 0
        return requestSizes.map { size in
            defer { offset += size }
            return Array(results[offset..<offset + size])
        }
    }

    private func result(ofInserted item: Item, _ inserted: Set<String>, _ stored: [IdempotencyKey: Message]) throws -> EnqueueResult {
        if inserted.contains(item.message.id.rawValue) { return .created(item.message) }
        guard let key = Self.idempotencyKey(item), let original = stored[key] else {
            throw StoreError.corrupt("insert of \(item.message.id) changed nothing")
        }
        return .existing(original)
    }

    // MARK: - Statements

    /// The stored messages holding these idempotency keys.
    private func storedMessages(
        keys: Set<IdempotencyKey>,
        _ connection: LeasedConnection,
        _ logger: Logger
    ) async throws -> [IdempotencyKey: Message] {
        guard !keys.isEmpty else { return [:] }
        let keys = Array(keys)
        var bindings = PostgresBindings(capacity: 2)
        bindings.append(keys.map(\.tenant.rawValue))
        bindings.append(keys.map(\.key))
        let rows = try await connection.query(PostgresQuery(
            unsafeSQL: PostgresMessageRow.select
                + " WHERE (tenant_id, idempotency_key) IN (SELECT * FROM UNNEST($1::text[], $2::text[]))",
            binds: bindings
        ), logger: logger).collect()
        var found: [IdempotencyKey: Message] = [:]
        for row in rows {
            let message = try PostgresMessageRow.message(row)
            if let key = message.idempotencyKey { found[IdempotencyKey(tenant: message.tenantID, key: key)] = message }
        }
        return found
    }

    /// Locks (creating at zero) the day and month counters of every message, in sorted order,
    /// and returns their values.
    private func lockUsage(_ connection: LeasedConnection, _ logger: Logger) async throws -> [UsageKey: Int] {
        let keys = Set(items.flatMap { item in Quota.Period.allCases.map { Self.usageKey(item.message, $0) } }).sorted()
        var bindings = PostgresBindings(capacity: 3)
        bindings.append(keys.map(\.tenant))
        bindings.append(keys.map(\.period))
        bindings.append(keys.map(\.start))
        let rows = try await connection.query(PostgresQuery(
            unsafeSQL: """
                INSERT INTO quota_usage (tenant_id, period, period_start, used)
                SELECT t, p, s, 0 FROM UNNEST($1::text[], $2::text[], $3::int8[]) WITH ORDINALITY AS u(t, p, s, n) ORDER BY n
                ON CONFLICT (tenant_id, period, period_start) DO UPDATE SET used = quota_usage.used
                RETURNING tenant_id, period, period_start, used
                """,
            binds: bindings
        ), logger: logger).collect()
        var usage: [UsageKey: Int] = [:]
        for row in rows {
            let (tenant, period, start, used) = try row.decode((String, String, Int64, Int64).self)
            usage[UsageKey(tenant: tenant, period: period, start: start)] = Int(used)
        }
        return usage
    }

    /// Inserts new messages; a tenant's reused idempotency key is skipped, not an error.
    /// - Returns: the ids actually inserted.
    static func insert(_ messages: [Message], _ connection: LeasedConnection, _ logger: Logger) async throws -> Set<String> {
        var inserted = Set<String>()
        var start = 0
        while start < messages.count {
            let chunk = messages[start..<min(start + Self.rowsPerInsert, messages.count)]
            start += chunk.count
            let width = PostgresMessageRow.columnNames.count + 1
            var bindings = PostgresBindings(capacity: chunk.count * width)
            for message in chunk {
                PostgresMessageRow.bind(message, to: &bindings)
                bindings.append(message.throttleKey)
            }
            // `throttle_key` is derived from the message and never read back.
            let rows = try await connection.query(PostgresQuery(
                unsafeSQL: """
                    INSERT INTO messages (\(PostgresMessageRow.columns), throttle_key)
                    VALUES \(PostgresMessageRow.placeholders(rows: chunk.count, width: width))
                    ON CONFLICT (tenant_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
                    RETURNING id
                    """,
                binds: bindings
            ), logger: logger).collect()
            for row in rows { inserted.insert(try row.decode(String.self)) }
        }
        return inserted
    }

    /// Adds stored messages to their (already locked) day and month counters.
    private func addUsage(of messages: [Message], _ connection: LeasedConnection, _ logger: Logger) async throws {
        var added: [UsageKey: Int64] = [:]
        for message in messages {
            for period in Quota.Period.allCases { added[Self.usageKey(message, period), default: 0] += 1 }
        }
        guard !added.isEmpty else { return }
        let keys = added.keys.sorted()
        var bindings = PostgresBindings(capacity: 4)
        bindings.append(keys.map(\.tenant))
        bindings.append(keys.map(\.period))
        bindings.append(keys.map(\.start))
        bindings.append(keys.map { added[$0]! })
        try await connection.query(PostgresQuery(
            unsafeSQL: """
                UPDATE quota_usage AS q SET used = q.used + u.n
                FROM UNNEST($1::text[], $2::text[], $3::int8[], $4::int8[]) AS u(t, p, s, n)
                WHERE q.tenant_id = u.t AND q.period = u.p AND q.period_start = u.s
                """,
            binds: bindings
        ), logger: logger)
    }

    private static func idempotencyKey(_ item: Item) -> IdempotencyKey? {
        item.message.idempotencyKey.map { IdempotencyKey(tenant: item.message.tenantID, key: $0) }
    }

    private static func usageKey(_ message: Message, _ period: Quota.Period) -> UsageKey {
        let start = Quota(limit: 0, period: period).periodStart(containing: message.createdAt)
        return UsageKey(tenant: message.tenantID.rawValue, period: period.rawValue, start: start.millis)
    }
}
