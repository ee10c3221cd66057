public import Foundation

extension Tenant {
    /// How long a rotated-out webhook secret still signs, unless configured (`webhook.secret_overlap`).
    public static let webhookSecretOverlap: Duration = .seconds(24 * 3600)

    /// The secrets this tenant's webhooks are signed with at `now`, the current one first: its
    /// own, the one its last rotation replaced while the overlap lasts, and `serverSecret` while
    /// it still signs beside (``webhookSignedWithServerSecret``). `nil` when it has no secret of
    /// its own (the `default` tenant).
    public func webhookSecrets(at now: Date, serverSecret: String?) -> [String]? {
        guard let own = webhookSecret else { return nil }
        var secrets = [own]
        if let previous = previousWebhookSecret, let until = previousWebhookSecretExpiresAt, now < until, previous != own {
            secrets.append(previous)
        }
        if webhookSignedWithServerSecret, let serverSecret, !secrets.contains(serverSecret) { secrets.append(serverSecret) }
        return secrets
    }

    /// Gives a tenant made before tenants had webhook secrets of their own its secret, which is
    /// shown nowhere: the server's secret keeps signing beside it until the first rotation.
    /// - Returns: whether it had none.
    public mutating func adoptWebhookSecret() -> Bool {
        guard webhookSecret == nil, id != .default else { return false }
        webhookSecret = SigningSecret.generate()
        webhookSignedWithServerSecret = true
        return true
    }

    /// Replaces the webhook secret; the one its receivers knew until now (for a tenant still
    /// signed with the server's secret, that one) signs beside the new one for `overlap`.
    /// - Returns: the new secret, to show once.
    public mutating func rotateWebhookSecret(at now: Date, overlap: Duration = Tenant.webhookSecretOverlap, serverSecret: String?) -> String {
        let secret = SigningSecret.generate()
        let known = webhookSignedWithServerSecret ? serverSecret : webhookSecret
        if let known {
            previousWebhookSecret = known
            previousWebhookSecretExpiresAt = now.addingTimeInterval(Double(overlap.components.seconds))
        }
        webhookSecret = secret
        webhookSignedWithServerSecret = false
        return secret
    }
}
