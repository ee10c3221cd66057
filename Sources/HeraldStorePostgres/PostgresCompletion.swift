import HeraldCore
import HeraldStore
import Logging
import PostgresNIO

/// Records a group commit of attempt results in two statements per chunk: one multi-row
/// `INSERT` of the attempts (kept whatever happens), one `UPDATE … FROM (VALUES …)` that changes
/// each message only while it is still sending under the lease (owner and version) the result
/// was reached under; then the status
/// events of those that applied.
enum PostgresCompletion {
    /// The most completions one statement carries.
    static let rowsPerStatement = 1000

    /// - Returns: for each completion, whether its message was still leased and was updated.
    static func record(_ completions: [Completion], on connection: LeasedConnection, logger: Logger) async throws -> [Bool] {
        var applied = Set<String>()
        var start = 0
        while start < completions.count {
            let chunk = completions[start..<min(start + rowsPerStatement, completions.count)]
            start += chunk.count
            try await insertAttempts(chunk.compactMap(\.attempt), connection, logger)
            applied.formUnion(try await updateMessages(chunk, connection, logger))
        }
        let results = completions.map { applied.contains(leaseKey($0.messageID.rawValue, $0.lease)) }
        // The events of the completions that applied, in the same transaction.
        let events = zip(completions, results).compactMap { $1 ? $0.event : nil }
        if !events.isEmpty {
            _ = try await PostgresEnqueue.insert(events, connection, logger)
            try await connection.query("SELECT pg_notify('\(unescaped: PostgresStore.workChannel)', '')", logger: logger)
        }
        return results
    }

    private static func insertAttempts(_ chunk: [AttemptRecord], _ connection: LeasedConnection, _ logger: Logger) async throws {
        guard !chunk.isEmpty else { return }
        var bindings = PostgresBindings(capacity: chunk.count * 9)
        for attempt in chunk { PostgresMessageRow.bind(attempt, to: &bindings) }
        try await connection.query(PostgresQuery(
            unsafeSQL: """
                INSERT INTO attempts (\(PostgresMessageRow.attemptColumns))
                VALUES \(PostgresMessageRow.placeholders(rows: chunk.count, width: 9))
                """,
            binds: bindings
        ), logger: logger)
    }

    private static let updateColumns = 13

    /// - Returns: the (message, lease) pairs that were applied.
    private static func updateMessages(_ chunk: ArraySlice<Completion>, _ connection: LeasedConnection, _ logger: Logger) async throws -> Set<String> {
        var bindings = PostgresBindings(capacity: chunk.count * updateColumns)
        var rows: [String] = []
        rows.reserveCapacity(chunk.count)
        for (index, completion) in chunk.enumerated() {
            bind(completion, to: &bindings)
            let first = index * updateColumns
            rows.append(
                "($\(first + 1)::text, $\(first + 2)::text, $\(first + 3)::int8, $\(first + 4)::text, $\(first + 5)::int8, "
                    + "$\(first + 6)::int8, $\(first + 7)::text, $\(first + 8)::int8, $\(first + 9)::int8, $\(first + 10)::text, "
                    + "$\(first + 11)::int8, $\(first + 12)::int8, $\(first + 13)::int8)"
            )
        }
        let result = try await connection.query(PostgresQuery(
            unsafeSQL: """
                UPDATE messages AS m
                SET status = c.status, lease_owner = NULL, lease_expires_at = NULL, updated_at = c.now,
                    sent_at = COALESCE(c.sent_at, m.sent_at),
                    provider_message_id = COALESCE(c.provider_id, m.provider_message_id),
                    next_attempt_at = COALESCE(c.next_attempt, m.next_attempt_at),
                    failed_at = COALESCE(c.failed_at, m.failed_at),
                    last_error = CASE WHEN c.throttle = 2 THEN m.last_error ELSE c.error END,
                    attempts = m.attempts + c.increment,
                    throttles = CASE c.throttle WHEN 0 THEN 0 WHEN 1 THEN m.throttles + 1 ELSE m.throttles END,
                    not_before = c.not_before, lease_expiries = 0
                FROM (VALUES \(rows.joined(separator: ", ")))
                    AS c(id, owner, version, status, now, sent_at, provider_id, next_attempt, failed_at, error, throttle, not_before, increment)
                WHERE m.id = c.id AND m.status = 'sending' AND m.lease_owner = c.owner AND m.lease_version = c.version
                RETURNING m.id, c.owner, c.version
                """,
            binds: bindings
        ), logger: logger).collect()
        return Set(try result.map { row in
            let (id, owner, version) = try row.decode((String, String, Int64).self)
            return leaseKey(id, LeaseToken(owner: owner, version: version))
        })
    }

    private static func leaseKey(_ id: String, _ lease: LeaseToken) -> String {
        "\(id)\u{0}\(lease.owner)\u{0}\(lease.version)"
    }

    private static func bind(_ completion: Completion, to bindings: inout PostgresBindings) {
        let fields = completion.recordedFields
        bindings.append(completion.messageID.rawValue)
        bindings.append(completion.lease.owner)
        bindings.append(completion.lease.version)
        bindings.append(completion.targetStatus.rawValue)
        bindings.append(completion.now.millis)
        bindings.append(fields.sentAt?.millis)
        bindings.append(fields.providerMessageID)
        bindings.append(fields.nextAttemptAt?.millis)
        bindings.append(fields.failedAt?.millis)
        bindings.append(fields.error)
        bindings.append(Int64(fields.throttle.rawValue))
        bindings.append(fields.notBefore?.millis)
        bindings.append(Int64(completion.attemptIncrement))
    }
}
