import Foundation
import HeraldCore
import HeraldStore
import PostgresNIO

/// Maps between ``Message`` / ``AttemptRecord`` and their PostgreSQL rows. Times are BIGINT
/// milliseconds since 1970, as on SQLite; JSON is kept as the exact text Herald wrote.
enum PostgresMessageRow {
    static let columnNames = [
        "id", "tenant_id", "channel", "recipient", "url", "content", "payload", "metadata", "idempotency_key", "fingerprint",
        "priority", "status", "attempts", "send_at", "next_attempt_at", "lease_owner", "lease_expires_at",
        "provider_message_id", "last_error", "created_at", "updated_at", "sent_at", "delivered_at", "read_at",
        "failed_at", "cancelled_at", "profile_id", "outlet_id", "dry_run", "page", "form", "template", "expires_at", "throttles",
        "not_before", "receipts", "kind", "lease_version", "lease_expiries", "content_cleared_at", "destination",
    ]

    static let columns = columnNames.joined(separator: ", ")

    /// The columns qualified with a table alias, for statements that join.
    static func columns(qualifiedBy alias: String) -> String {
        columnNames.map { "\(alias).\($0)" }.joined(separator: ", ")
    }

    /// `SELECT` of every message column in ``columnNames`` order.
    static let select = "SELECT \(columns) FROM messages"

    /// Appends one message's values in ``columnNames`` order.
    static func bind(_ message: Message, to bindings: inout PostgresBindings) {
        bindings.append(message.id.rawValue)
        bindings.append(message.tenantID.rawValue)
        bindings.append(message.channel)
        bindings.append(message.recipient)
        bindings.append(message.url)
        bindings.append(message.content)
        bindings.append(message.payload?.jsonText)
        bindings.append(JSONValue.object(message.metadata).jsonText)
        bindings.append(message.idempotencyKey)
        bindings.append(message.fingerprint)
        bindings.append(Int64(message.priority))
        bindings.append(message.status.rawValue)
        bindings.append(Int64(message.attempts))
        bindings.append(message.sendAt?.millis)
        bindings.append(message.nextAttemptAt.millis)
        bindings.append(message.lease?.owner)
        bindings.append(message.lease?.expiresAt.millis)
        bindings.append(message.providerMessageID)
        bindings.append(message.lastError)
        bindings.append(message.createdAt.millis)
        bindings.append(message.updatedAt.millis)
        bindings.append(message.sentAt?.millis)
        bindings.append(message.deliveredAt?.millis)
        bindings.append(message.readAt?.millis)
        bindings.append(message.failedAt?.millis)
        bindings.append(message.cancelledAt?.millis)
        bindings.append(message.profileID?.rawValue)
        bindings.append(message.outletID)
        bindings.append(message.dryRun)
        bindings.append(message.page)
        bindings.append(message.form)
        bindings.append(message.template?.jsonText)
        bindings.append(message.expiresAt?.millis)
        bindings.append(Int64(message.throttles))
        bindings.append(message.notBefore?.millis)
        bindings.append(ReceiptEntry.storedText(message.receipts))
        bindings.append(message.kind.rawValue)
        bindings.append(message.leaseVersion)
        bindings.append(Int64(message.leaseExpiries))
        bindings.append(message.contentClearedAt?.millis)
        bindings.append(message.destination)
    }

    /// Reads a row selected as ``columns`` (by position).
    static func message(_ row: PostgresRow) throws -> Message {
        let cells = row.makeRandomAccess()
        func value<T: PostgresDecodable>(_ index: Int, _ type: T.Type = T.self) throws -> T {
            try cells[index].decode(T.self)
        }
        let statusText: String = try value(11)
        guard let status = MessageStatus(rawValue: statusText) else {
            throw StoreError.corrupt("unknown status \(statusText)")
        }
        let payloadText: String? = try value(6)
        let metadataText: String = try value(7)
        var message = Message(
            id: MessageID(unchecked: try value(0)),
            draft: MessageDraft(
                tenantID: TenantID(try value(1)),
                channel: try value(2),
                recipient: try value(3),
                url: try value(4),
                content: try value(5),
                payload: payloadText.flatMap { JSONValue.decode($0.utf8) },
                metadata: JSONValue.decode(metadataText.utf8)?.objectValue ?? [:],
                idempotencyKey: try value(8),
                fingerprint: try value(9),
                priority: Int(try value(10, Int64.self)),
                sendAt: Date(millis: try value(13, Int64?.self)),
                profileID: try value(26, String?.self).map(ProfileID.init(unchecked:)),
                outletID: try value(27),
                dryRun: try value(28),
                page: try value(29),
                form: try value(30),
                template: try value(31, String?.self).flatMap { JSONValue.decode($0.utf8) },
                expiresAt: Date(millis: try value(32, Int64?.self))
            ),
            now: Date(millis: try value(19, Int64.self))
        )
        message.status = status
        message.attempts = Int(try value(12, Int64.self))
        message.nextAttemptAt = Date(millis: try value(14, Int64.self))
        message.leaseVersion = try value(37, Int64.self)
        message.leaseExpiries = Int(try value(38, Int64.self))
        message.contentClearedAt = Date(millis: try value(39, Int64?.self))
        message.destination = try value(40, String?.self)
        if let owner: String = try value(15), let expires = Date(millis: try value(16, Int64?.self)) {
            message.lease = Lease(owner: owner, expiresAt: expires, version: message.leaseVersion)
        }
        message.providerMessageID = try value(17)
        message.lastError = try value(18)
        message.updatedAt = Date(millis: try value(20, Int64.self))
        message.sentAt = Date(millis: try value(21, Int64?.self))
        message.deliveredAt = Date(millis: try value(22, Int64?.self))
        message.readAt = Date(millis: try value(23, Int64?.self))
        message.failedAt = Date(millis: try value(24, Int64?.self))
        message.cancelledAt = Date(millis: try value(25, Int64?.self))
        message.throttles = Int(try value(33, Int64.self))
        message.notBefore = Date(millis: try value(34, Int64?.self))
        message.receipts = ReceiptEntry.entries(storedText: try value(35, String?.self))
        let kindText = try value(36, String.self)
        guard let kind = MessageKind(rawValue: kindText) else { throw StoreError.corrupt("unknown message kind \(kindText)") }
        message.kind = kind
        return message
    }

    static let attemptColumns = "id, message_id, number, started_at, duration_ms, http_status, outcome, error, response_excerpt"

    /// Appends one attempt's values in ``attemptColumns`` order.
    static func bind(_ attempt: AttemptRecord, to bindings: inout PostgresBindings) {
        bindings.append(attempt.id.rawValue)
        bindings.append(attempt.messageID.rawValue)
        bindings.append(Int64(attempt.number))
        bindings.append(attempt.startedAt.millis)
        bindings.append(Int64((attempt.duration.seconds * 1000).rounded()))
        bindings.append(attempt.httpStatus.map(Int64.init))
        bindings.append(attempt.outcome.rawValue)
        bindings.append(attempt.error)
        bindings.append(attempt.responseExcerpt)
    }

    static func attempt(_ row: PostgresRow) throws -> AttemptRecord {
        let (id, messageID, number, startedAt, durationMillis, httpStatus, outcomeText, error, excerpt) = try row.decode(
            (String, String, Int64, Int64, Int64, Int64?, String, String?, String?).self
        )
        guard let outcome = AttemptOutcome(rawValue: outcomeText) else {
            throw StoreError.corrupt("unknown attempt outcome \(outcomeText)")
        }
        return AttemptRecord(
            id: AttemptID(unchecked: id),
            messageID: MessageID(unchecked: messageID),
            number: Int(number),
            startedAt: Date(millis: startedAt),
            duration: .milliseconds(durationMillis),
            httpStatus: httpStatus.map(Int.init),
            outcome: outcome,
            error: error,
            responseExcerpt: excerpt
        )
    }

    /// `($1, $2, …), ($27, …)` for `rows` rows of `width` parameters each.
    static func placeholders(rows: Int, width: Int) -> String {
        var text = ""
        text.reserveCapacity(rows * width * 5)
        for row in 0..<rows {
            if row > 0 { text += ", " }
            text += "("
            for column in 0..<width {
                if column > 0 { text += ", " }
                text += "$\(row * width + column + 1)"
            }
            text += ")"
        }
        return text
    }
}
