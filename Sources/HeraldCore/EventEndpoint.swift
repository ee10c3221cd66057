public import Foundation

/// Where a tenant's status events go and the secrets they are signed with.
public struct EventEndpoint: Sendable, Hashable {
    public var url: String
    /// The secrets events are signed with now (`whsec_…`): the current one first, then, for a
    /// day after a rotation, the one it replaced, so receivers can switch without a gap.
    public var secrets: [String]

    public init(url: String, secrets: [String]) {
        self.url = url
        self.secrets = secrets
    }
}

extension Tenant {
    /// How long a rotated-out events secret still signs events.
    public static let eventsSecretGracePeriod: Duration = .seconds(24 * 3600)

    /// Where this tenant's events go at `now`, or `nil` when it has no `events_url`.
    public func eventEndpoint(at now: Date) -> EventEndpoint? {
        guard let url = eventsURL, let secret = eventsSecret else { return nil }
        var secrets = [secret]
        if let previous = previousEventsSecret, let until = previousEventsSecretExpiresAt, now < until {
            secrets.append(previous)
        }
        return EventEndpoint(url: url, secrets: secrets)
    }
}
