public import Foundation
public import HeraldCore
public import HeraldStore
import Logging
import PostgresNIO

extension PostgresStore {
    public func applyReceipts(_ receipts: [Receipt], now: Date, events: EventSubscriptions) async throws -> [ReceiptResult] {
        guard !receipts.isEmpty else { return [] }
        let logger = logger
        return try await connections.transaction { connection in
            var results: [ReceiptResult] = []
            for receipt in receipts {
                if let applied = try await Self.apply(receipt, now: now, events: events, connection, logger) {
                    results.append(.applied(applied.message, applied.effect))
                    continue
                }
                try await connection.query(PostgresQuery(
                    unsafeSQL: """
                        INSERT INTO pending_receipts (
                            channel, provider_message_id, status, at, error_code, error_message, received_at, sender, profile_ids
                        ) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                        """,
                    binds: Self.receiptBindings(receipt, receivedAt: now)
                ), logger: logger)
                results.append(.pending)
            }
            return results
        }
    }

    public func applyPendingReceipts(now: Date, maxAge: Duration, events: EventSubscriptions) async throws -> PendingReceiptsRun {
        let logger = logger
        return try await connections.transaction { connection in
            var run = PendingReceiptsRun()
            // SKIP LOCKED: every process runs this; each takes receipts the others are not applying.
            let rows = try await connection.query(PostgresQuery(unsafeSQL: """
                SELECT p.id, p.channel, p.provider_message_id, p.status, p.at, p.error_code, p.error_message, p.sender, p.profile_ids
                FROM pending_receipts AS p
                WHERE EXISTS (
                    SELECT 1 FROM messages AS m
                    WHERE m.channel = p.channel AND m.provider_message_id = p.provider_message_id AND m.status <> 'sending'
                        AND m.profile_id = ANY(p.profile_ids)
                )
                ORDER BY p.id LIMIT 1000
                FOR UPDATE OF p SKIP LOCKED
                """), logger: logger).collect()
            var done: [Int64] = []
            for row in rows {
                let (id, channel, providerID, statusText, at, code, text, sender, profiles) = try row.decode(
                    (Int64, String, String, String, Int64, String?, String?, String?, [String]).self
                )
                done.append(id)
                guard let status = Receipt.Status(rawValue: statusText) else { continue }
                let receipt = Receipt(
                    channel: channel, providerMessageID: providerID, status: status, at: Date(millis: at), errorCode: code, errorMessage: text,
                    sender: sender, profiles: profiles.map(ProfileID.init(unchecked:))
                )
                if let applied = try await Self.apply(receipt, now: now, events: events, connection, logger) { run.applied.append(applied) }
            }
            if !done.isEmpty {
                try await connection.query(PostgresQuery(unsafeSQL: "DELETE FROM pending_receipts WHERE id = ANY($1)", binds: Self.binds(done)), logger: logger)
            }
            let expired = try await connection.query(PostgresQuery(
                unsafeSQL: "DELETE FROM pending_receipts WHERE received_at < $1 RETURNING id",
                binds: Self.binds(now.adding(.zero - maxAge).millis)
            ), logger: logger).collect()
            run.expired = expired.count
            return run
        }
    }

    public func reservePacing(_ requests: [RecipientPacing], now: Date) async throws -> [Date] {
        guard !requests.isEmpty else { return [] }
        let groups = PacingSchedule.grouped(requests)
        let logger = logger
        // One statement: each pair's row locked and moved forward by its sends' intervals; the
        // slots follow from the new arrival time (GCRA), computed here as the other drivers do.
        let rows = try await connections.transaction { connection in
            // A pair whose next arrival has passed is the same as no row: forget a few each time.
            try await connection.query(PostgresQuery(
                unsafeSQL: "DELETE FROM recipient_pacing WHERE pair IN (SELECT pair FROM recipient_pacing WHERE tat < $1 LIMIT 100)",
                binds: Self.binds(now.millis)
            ), logger: logger)
            return try await connection.query(PostgresQuery(
                unsafeSQL: """
                    INSERT INTO recipient_pacing (pair, tat)
                    SELECT pair, $3 + span FROM unnest($1::text[], $2::int8[]) AS r(pair, span)
                    ON CONFLICT (pair) DO UPDATE SET tat = GREATEST(recipient_pacing.tat, $3) + (EXCLUDED.tat - $3)
                    RETURNING pair, tat
                    """,
                binds: Self.binds(
                    groups.map(\.pacing.key),
                    groups.map { Int64(($0.pacing.interval.seconds * 1000).rounded()) * Int64($0.positions.count) },
                    now.millis
                )
            ), logger: logger).collect()
        }
        var arrivals: [String: Date] = [:]
        for row in rows {
            let (pair, tat) = try row.decode((String, Int64).self)
            arrivals[pair] = Date(millis: tat)
        }
        var slots = [Date](repeating: now, count: requests.count)
        for group in groups {
            guard let after = arrivals[group.pacing.key] else { continue }
            // Back from the new arrival to where these sends started.
            let start = after.addingTimeInterval(-group.pacing.interval.seconds * Double(group.positions.count))
            let reserved = PacingSchedule.reserve(tat: start, count: group.positions.count, pacing: group.pacing, now: now)
            for (position, slot) in zip(group.positions, reserved.slots) { slots[position] = slot }
        }
        return slots
    }

    /// Applies one receipt to its message, if the message is known, was sent with one of the
    /// receipt's profiles, and is not in the middle of an attempt (locked until the transaction ends).
    private static func apply(
        _ receipt: Receipt, now: Date, events: EventSubscriptions, _ connection: LeasedConnection, _ logger: Logger
    ) async throws -> AppliedReceipt? {
        let rows = try await connection.query(PostgresQuery(
            unsafeSQL: PostgresMessageRow.select + """
                 WHERE channel = $1 AND provider_message_id = $2 AND status <> 'sending' AND profile_id = ANY($3::text[])
                FOR UPDATE
                """,
            binds: binds(receipt.channel, receipt.providerMessageID, receipt.profiles.map(\.rawValue))
        ), logger: logger).collect()
        guard let message = try rows.first.map(PostgresMessageRow.message) else { return nil }
        let (updated, effect) = message.applying(receipt, receivedAt: now)
        if effect != .duplicate {
            try await connection.query(PostgresQuery(
                unsafeSQL: """
                    UPDATE messages SET status = $1, delivered_at = $2, read_at = $3, failed_at = $4, cancelled_at = $5,
                        last_error = $6, receipts = $7, updated_at = $8
                    WHERE id = $9
                    """,
                binds: receiptFieldBindings(updated)
            ), logger: logger)
        }
        let applied = AppliedReceipt(receipt: receipt, message: updated, effect: effect)
        if let event = events.event(for: applied, now: now) {
            _ = try await PostgresEnqueue.insert([event], connection, logger)
            try await connection.query("SELECT pg_notify('\(unescaped: workChannel)', '')", logger: logger)
        }
        return applied
    }

    private static func receiptBindings(_ receipt: Receipt, receivedAt: Date) -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 9)
        bindings.append(receipt.channel)
        bindings.append(receipt.providerMessageID)
        bindings.append(receipt.status.rawValue)
        bindings.append(receipt.at.millis)
        bindings.append(receipt.errorCode)
        bindings.append(receipt.errorMessage)
        bindings.append(receivedAt.millis)
        bindings.append(receipt.sender)
        bindings.append(receipt.profiles.map(\.rawValue))
        return bindings
    }

    private static func receiptFieldBindings(_ message: Message) -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 9)
        bindings.append(message.status.rawValue)
        bindings.append(message.deliveredAt?.millis)
        bindings.append(message.readAt?.millis)
        bindings.append(message.failedAt?.millis)
        bindings.append(message.cancelledAt?.millis)
        bindings.append(message.lastError)
        bindings.append(ReceiptEntry.storedText(message.receipts))
        bindings.append(message.updatedAt.millis)
        bindings.append(message.id.rawValue)
        return bindings
    }
}
