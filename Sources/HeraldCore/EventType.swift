/// The status events Herald delivers to a tenant's `events_url`.
public enum EventType: String, Sendable, Hashable, CaseIterable {
    case sent = "message.sent"
    case delivered = "message.delivered"
    case read = "message.read"
    case failed = "message.failed"
    case dryRun = "message.dry_run"
    /// A customer wrote to one of the tenant's business numbers (WhatsApp).
    case received = "message.received"

    /// The event a message raises on reaching `status`; `nil` for the statuses that raise none
    /// (queued again for a retry, sending, cancelled by the tenant itself).
    public init?(reaching status: MessageStatus) {
        switch status {
        case .sent: self = .sent
        // Twilio's "some segments arrived": delivered, with the status saying which.
        case .delivered, .partiallyDelivered: self = .delivered
        case .read: self = .read
        case .failed, .undelivered: self = .failed
        case .dryRun: self = .dryRun
        case .scheduled, .queued, .sending, .cancelled: return nil
        }
    }
}
