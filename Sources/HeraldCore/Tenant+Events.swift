public import Foundation

extension Tenant {
    /// Points the tenant's events at `url` (`nil` stops them). The first URL makes the events
    /// secret; later changes keep it.
    /// - Returns: the secret made now, to show once; `nil` when none was made.
    public mutating func setEventsURL(_ url: String?) -> String? {
        eventsURL = url
        guard url != nil, eventsSecret == nil else { return nil }
        let secret = SigningSecret.generate()
        eventsSecret = secret
        return secret
    }

    /// Replaces the events secret; the one replaced still signs events (beside the new one) for
    /// `overlap` (``eventsSecretGracePeriod`` unless configured: `events.secret_overlap`), so the
    /// tenant's receiver can switch without a gap.
    /// - Returns: the new secret, to show once.
    public mutating func rotateEventsSecret(at now: Date, overlap: Duration = Tenant.eventsSecretGracePeriod) -> String {
        let secret = SigningSecret.generate()
        if let current = eventsSecret {
            previousEventsSecret = current
            previousEventsSecretExpiresAt = now.addingTimeInterval(Double(overlap.components.seconds))
        }
        eventsSecret = secret
        return secret
    }
}
