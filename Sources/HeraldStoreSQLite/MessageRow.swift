import Foundation
import GRDB
import HeraldCore
import HeraldStore

/// Maps between ``Message`` / ``AttemptRecord`` and their rows.
enum MessageRow {
    static let columns = """
        id, tenant_id, channel, recipient, url, content, payload, metadata, idempotency_key, fingerprint,
        priority, status, attempts, send_at, next_attempt_at, lease_owner, lease_expires_at,
        provider_message_id, last_error, created_at, updated_at, sent_at, delivered_at, read_at,
        failed_at, cancelled_at, profile_id, outlet_id, dry_run, page, form, template, expires_at, throttles,
        not_before, receipts, kind, lease_version, lease_expiries, content_cleared_at, destination
        """

    /// Also writes `throttle_key`, which is derived from the message and never read back.
    static let insertSQL = """
        INSERT INTO messages (\(columns), throttle_key)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (tenant_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
        """

    static func arguments(_ message: Message) -> StatementArguments {
        [
            message.id.rawValue, message.tenantID.rawValue, message.channel, message.recipient,
            message.url, message.content, message.payload?.jsonText, JSONValue.object(message.metadata).jsonText,
            message.idempotencyKey, message.fingerprint, message.priority, message.status.rawValue,
            message.attempts, message.sendAt?.millis, message.nextAttemptAt.millis, message.lease?.owner,
            message.lease?.expiresAt.millis, message.providerMessageID, message.lastError,
            message.createdAt.millis, message.updatedAt.millis, message.sentAt?.millis,
            message.deliveredAt?.millis, message.readAt?.millis, message.failedAt?.millis,
            message.cancelledAt?.millis, message.profileID?.rawValue, message.outletID, message.dryRun, message.page,
            message.form, message.template?.jsonText, message.expiresAt?.millis, message.throttles,
            message.notBefore?.millis, ReceiptEntry.storedText(message.receipts), message.kind.rawValue, message.leaseVersion,
            message.leaseExpiries, message.contentClearedAt?.millis, message.destination, message.throttleKey,
        ]
    }

    /// Reads a row selected as ``columns`` (by position: name lookups cost more than the rest).
    static func message(_ row: Row) throws -> Message {
        let statusText: String = row[11]
        guard let status = MessageStatus(rawValue: statusText) else {
            throw StoreError.corrupt("unknown status \(statusText)")
        }
        let payloadText: String? = row[6]
        let metadataText: String = row[7]
        var message = Message(
            id: MessageID(unchecked: row[0]),
            draft: MessageDraft(
                tenantID: TenantID(row[1]),
                channel: row[2],
                recipient: row[3],
                url: row[4],
                content: row[5],
                payload: payloadText.flatMap { JSONValue.decode($0.utf8) },
                metadata: JSONValue.decode(metadataText.utf8)?.objectValue ?? [:],
                idempotencyKey: row[8],
                fingerprint: row[9],
                priority: row[10],
                sendAt: Date(millis: row[13] as Int64?),
                profileID: (row[26] as String?).map(ProfileID.init(unchecked:)),
                outletID: row[27],
                dryRun: row[28],
                page: row[29],
                form: row[30],
                template: (row[31] as String?).flatMap { JSONValue.decode($0.utf8) },
                expiresAt: Date(millis: row[32] as Int64?)
            ),
            now: Date(millis: row[19] as Int64)
        )
        message.status = status
        message.attempts = row[12]
        message.nextAttemptAt = Date(millis: row[14] as Int64)
        message.leaseVersion = row[37]
        message.leaseExpiries = row[38]
        message.contentClearedAt = Date(millis: row[39] as Int64?)
        message.destination = row[40]
        if let owner: String = row[15], let expires = Date(millis: row[16] as Int64?) {
            message.lease = Lease(owner: owner, expiresAt: expires, version: message.leaseVersion)
        }
        message.providerMessageID = row[17]
        message.lastError = row[18]
        message.updatedAt = Date(millis: row[20] as Int64)
        message.sentAt = Date(millis: row[21] as Int64?)
        message.deliveredAt = Date(millis: row[22] as Int64?)
        message.readAt = Date(millis: row[23] as Int64?)
        message.failedAt = Date(millis: row[24] as Int64?)
        message.cancelledAt = Date(millis: row[25] as Int64?)
        message.throttles = row[33]
        message.notBefore = Date(millis: row[34] as Int64?)
        if let receipts: String = row[35] { message.receipts = ReceiptEntry.entries(storedText: receipts) }
        let kindText: String = row[36]
        guard let kind = MessageKind(rawValue: kindText) else { throw StoreError.corrupt("unknown message kind \(kindText)") }
        message.kind = kind
        return message
    }

    /// `SELECT` of every message column in ``columns`` order.
    static let select = "SELECT \(columns) FROM messages"

    static let insertAttemptSQL = """
        INSERT INTO attempts (id, message_id, number, started_at, duration_ms, http_status, outcome, error, response_excerpt)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    static func arguments(_ attempt: AttemptRecord) -> StatementArguments {
        [
            attempt.id.rawValue, attempt.messageID.rawValue, attempt.number, attempt.startedAt.millis,
            Int64((attempt.duration.seconds * 1000).rounded()), attempt.httpStatus, attempt.outcome.rawValue,
            attempt.error, attempt.responseExcerpt,
        ]
    }

    static func attempt(_ row: Row) throws -> AttemptRecord {
        let outcomeText: String = row["outcome"]
        guard let outcome = AttemptOutcome(rawValue: outcomeText) else {
            throw StoreError.corrupt("unknown attempt outcome \(outcomeText)")
        }
        return AttemptRecord(
            id: AttemptID(unchecked: row["id"]),
            messageID: MessageID(unchecked: row["message_id"]),
            number: row["number"],
            startedAt: Date(millis: row["started_at"] as Int64),
            duration: .milliseconds(row["duration_ms"] as Int64),
            httpStatus: row["http_status"],
            outcome: outcome,
            error: row["error"],
            responseExcerpt: row["response_excerpt"]
        )
    }
}
