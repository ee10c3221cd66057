public import Foundation

/// Which tenants take status events, and where: a snapshot handed to whatever changes a
/// message's status, so it can store the event in the same transaction as the change.
public struct EventSubscriptions: Sendable, Hashable {
    /// `events_url` by tenant, for the tenants that set one.
    public var urls: [TenantID: String]

    public init(urls: [TenantID: String] = [:]) {
        self.urls = urls
    }

    /// Nobody takes events.
    public static let none = EventSubscriptions()

    /// The event `message` raises in its current status, or `nil` when its tenant takes no
    /// events, the status raises none, or it is itself an event (events raise no events).
    public func statusEvent(for message: Message, now: Date) -> Message? {
        guard message.kind == .message, let url = urls[message.tenantID],
              let type = EventType(reaching: message.status)
        else { return nil }
        return MessageEvent.make(
            type, tenant: message.tenantID, url: url, data: MessageEvent.statusData(message), subject: message.id, now: now
        )
    }
}
