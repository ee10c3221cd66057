import HeraldAPI
import HeraldChannels
import HeraldCore
import HeraldStore

/// Makes sure the default tenant has an API key and webhooks have a signing secret, generating
/// each once, storing it, and printing it once (never to the log).
struct CredentialBootstrap {
    let store: any HeraldStore
    let clock: any WallClock
    let announce: @Sendable (String) -> Void

    /// Generates a key for the default tenant when configuration gives none and none is stored.
    func ensureAPIKey(configured: String?) async throws {
        guard configured == nil, try await store.apiKeyCount() == 0 else { return }
        let (key, record) = APIKeyAuthenticator.generateKey(for: .default, now: clock.now())
        try await store.insertAPIKey(record)
        announce("Generated an API key for the default tenant (shown once, stored only as a hash):\n  \(key)")
    }

    /// The webhook signing secret: the configured one, or the one generated on first start.
    func webhookSecret(configured: String?) async throws -> String {
        if let configured { return configured }
        let candidate = WebhookSigner.generateSecret()
        let stored = try await store.insertSettingIfAbsent("webhook_secret", value: candidate)
        if stored == candidate {
            announce("Generated a webhook signing secret (shown once; receivers verify with it):\n  \(stored)")
        }
        return stored
    }
}
