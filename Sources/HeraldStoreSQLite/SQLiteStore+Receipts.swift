public import Foundation
import GRDB
public import HeraldCore
public import HeraldStore

extension SQLiteStore {
    public func applyReceipts(_ receipts: [Receipt], now: Date, events: EventSubscriptions) async throws -> [ReceiptResult] {
        guard !receipts.isEmpty else { return [] }
        // Events may have been stored: the dispatcher looks.
        defer { if !events.urls.isEmpty { workSignal.signal() } }
        return try await Self.write(pool) { db in
            try receipts.map { receipt in
                if let applied = try Self.apply(receipt, now: now, events: events, db) { return .applied(applied.message, applied.effect) }
                try db.execute(
                    sql: """
                        INSERT INTO pending_receipts (
                            channel, provider_message_id, status, at, error_code, error_message, received_at, sender, profile_ids
                        ) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        receipt.channel, receipt.providerMessageID, receipt.status.rawValue, receipt.at.millis,
                        receipt.errorCode, receipt.errorMessage, now.millis, receipt.sender, Self.profileList(receipt.profiles),
                    ]
                )
                return .pending
            }
        }
    }

    public func applyPendingReceipts(now: Date, maxAge: Duration, events: EventSubscriptions) async throws -> PendingReceiptsRun {
        let run = try await Self.write(pool) { db in
            var run = PendingReceiptsRun()
            let known = try Row.fetchAll(db.cachedStatement(sql: """
                SELECT p.id, p.channel, p.provider_message_id, p.status, p.at, p.error_code, p.error_message, p.sender, p.profile_ids
                FROM pending_receipts AS p
                WHERE EXISTS (
                    SELECT 1 FROM messages AS m
                    WHERE m.channel = p.channel AND m.provider_message_id = p.provider_message_id AND m.status <> 'sending'
                        AND m.profile_id IN (SELECT value FROM json_each(p.profile_ids))
                )
                ORDER BY p.id LIMIT 1000
                """))
            for row in known {
                guard let status = Receipt.Status(rawValue: row[3]) else { continue }
                let receipt = Receipt(
                    channel: row[1], providerMessageID: row[2], status: status, at: Date(millis: row[4] as Int64),
                    errorCode: row[5], errorMessage: row[6], sender: row[7], profiles: Self.profiles(inList: row[8])
                )
                if let applied = try Self.apply(receipt, now: now, events: events, db) { run.applied.append(applied) }
                try db.execute(sql: "DELETE FROM pending_receipts WHERE id = ?", arguments: [row[0] as Int64])
            }
            try db.execute(sql: "DELETE FROM pending_receipts WHERE received_at < ?", arguments: [now.adding(.zero - maxAge).millis])
            run.expired = db.changesCount
            return run
        }
        if !run.applied.isEmpty, !events.urls.isEmpty { workSignal.signal() }
        return run
    }

    public func reservePacing(_ requests: [RecipientPacing], now: Date) async throws -> [Date] {
        guard !requests.isEmpty else { return [] }
        return try await Self.write(pool) { db in
            var slots = [Date](repeating: now, count: requests.count)
            let read = try db.cachedStatement(sql: "SELECT tat FROM recipient_pacing WHERE pair = ?")
            let write = try db.cachedStatement(sql: "INSERT INTO recipient_pacing (pair, tat) VALUES (?, ?) ON CONFLICT (pair) DO UPDATE SET tat = excluded.tat")
            for group in PacingSchedule.grouped(requests) {
                let tat = try Int64.fetchOne(read, arguments: [group.pacing.key]).map { Date(millis: $0) }
                let reserved = PacingSchedule.reserve(tat: tat, count: group.positions.count, pacing: group.pacing, now: now)
                try write.execute(arguments: [group.pacing.key, reserved.tat.millis])
                for (position, slot) in zip(group.positions, reserved.slots) { slots[position] = slot }
            }
            // A pair whose next arrival has passed is the same as no row: forget a few each time.
            try db.execute(
                sql: "DELETE FROM recipient_pacing WHERE pair IN (SELECT pair FROM recipient_pacing WHERE tat < ? LIMIT 100)",
                arguments: [now.millis]
            )
            return slots
        }
    }

    /// Applies one receipt to its message, if the message is known, was sent with one of the
    /// receipt's profiles, and is not in the middle of an attempt.
    private static func apply(_ receipt: Receipt, now: Date, events: EventSubscriptions, _ db: Database) throws -> AppliedReceipt? {
        guard let message = try Row.fetchOne(
            db.cachedStatement(sql: MessageRow.select + """
                 WHERE channel = ? AND provider_message_id = ? AND status <> 'sending'
                    AND profile_id IN (SELECT value FROM json_each(?))
                """),
            arguments: [receipt.channel, receipt.providerMessageID, profileList(receipt.profiles)]
        ).map(MessageRow.message) else { return nil }
        let (updated, effect) = message.applying(receipt, receivedAt: now)
        if effect != .duplicate {
            try db.execute(
                sql: """
                    UPDATE messages SET status = ?, delivered_at = ?, read_at = ?, failed_at = ?, cancelled_at = ?,
                        last_error = ?, receipts = ?, updated_at = ?
                    WHERE id = ?
                    """,
                arguments: [
                    updated.status.rawValue, updated.deliveredAt?.millis, updated.readAt?.millis, updated.failedAt?.millis,
                    updated.cancelledAt?.millis, updated.lastError, ReceiptEntry.storedText(updated.receipts),
                    updated.updatedAt.millis, updated.id.rawValue,
                ]
            )
        }
        let applied = AppliedReceipt(receipt: receipt, message: updated, effect: effect)
        if let event = events.event(for: applied, now: now) { try insertEvent(event, db) }
        return applied
    }

    /// Profile ids as the JSON array text `pending_receipts.profile_ids` keeps.
    private static func profileList(_ profiles: [ProfileID]) -> String {
        JSONValue.array(profiles.map { .string($0.rawValue) }).jsonText
    }

    private static func profiles(inList text: String) -> [ProfileID] {
        (JSONValue.decode(Array(text.utf8))?.arrayValue ?? []).compactMap { $0.stringValue.map(ProfileID.init(unchecked:)) }
    }
}
