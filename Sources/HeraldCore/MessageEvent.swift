public import Foundation

/// Builds the event messages Herald queues for a tenant's `events_url`: a Standard Webhooks
/// body `{"type", "timestamp", "data"}`, sent by the internal ``channel`` with the tenant's
/// events secret, retried like any webhook. The event's message id is its `webhook-id`.
public enum MessageEvent {
    /// The internal channel that delivers events; clients cannot send on it.
    public static let channel = "events"

    /// An event message of `type` for `tenant`, not yet stored.
    /// - Parameter idempotencyKey: set where the same event may be raised twice (a provider's
    ///   retried callback), so it is stored once.
    public static func make(
        _ type: EventType, tenant: TenantID, url: String, data: [String: JSONValue], subject: MessageID? = nil,
        idempotencyKey: String? = nil, now: Date
    ) -> Message {
        var metadata: [String: JSONValue] = ["type": .string(type.rawValue)]
        if let subject { metadata["message_id"] = .string(subject.rawValue) }
        let body: JSONValue = .object([
            "type": .string(type.rawValue),
            "timestamp": .string(Timestamp.format(now)),
            "data": .object(data),
        ])
        let draft = MessageDraft(
            tenantID: tenant, channel: channel, url: url, payload: body, metadata: metadata, idempotencyKey: idempotencyKey
        )
        var message = Message(id: .generate(at: now), draft: draft, now: now)
        message.kind = .event
        return message
    }

    /// What a status event says about `message`: the fields an application keys its own
    /// records by, where the message is now, and (for a receipt) the provider's latest word.
    public static func statusData(_ message: Message) -> [String: JSONValue] {
        func time(_ date: Date?) -> JSONValue { date.map { .string(Timestamp.format($0)) } ?? .null }
        func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        var data: [String: JSONValue] = [
            "id": .string(message.id.rawValue),
            "tenant_id": .string(message.tenantID.rawValue),
            "channel": .string(message.channel),
            "status": .string(message.status.rawValue),
            "to": text(message.recipient),
            "url": text(message.url),
            "provider_message_id": text(message.providerMessageID),
            "idempotency_key": text(message.idempotencyKey),
            "outlet_id": text(message.outletID),
            "profile_id": text(message.profileID?.rawValue),
            "metadata": .object(message.metadata),
            "attempts": .integer(Int64(message.attempts)),
            "failure_reason": text(message.status.isFailure ? message.lastError : nil),
            "dry_run": .bool(message.dryRun),
            "created_at": time(message.createdAt),
            "sent_at": time(message.sentAt),
            "delivered_at": time(message.deliveredAt),
            "read_at": time(message.readAt),
            "failed_at": time(message.failedAt),
        ]
        // Only receipts move a message past `sent`, so a send's own outcome carries none.
        if let receipt = message.receipts.last(where: \.applied) {
            data["receipt"] = .object([
                "status": .string(receipt.status.rawValue),
                "at": time(receipt.at),
                "error_code": text(receipt.errorCode),
                "error_message": text(receipt.errorMessage),
            ])
        }
        return data
    }
}
