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

    /// Makes sure the default tenant exists: every message needs a tenant, and a single-tenant
    /// deployment uses this one.
    func ensureDefaultTenant() async throws {
        guard try await store.tenant(id: .default) == nil else { return }
        let now = clock.now()
        do {
            try await store.createTenant(Tenant(id: .default, name: "Default tenant", createdAt: now, updatedAt: now))
        } catch let error as StoreError where error.isConflict {
            // Another process created it first.
        }
    }

    /// Generates a key for the default tenant when configuration gives none and no tenant key is stored.
    func ensureAPIKey(configured: String?) async throws {
        guard configured == nil, try await store.apiKeyCount(role: .tenant) == 0 else { return }
        let (key, record) = APIKeyAuthenticator.generateKey(for: .default, name: "generated at first start", now: clock.now())
        try await store.insertAPIKey(record)
        announce("Generated an API key for the default tenant (shown once, stored only as a hash):\n  \(key)")
    }

    /// Generates the administrator's key when configuration gives none and none is stored.
    func ensureAdminKey(configured: String?) async throws {
        guard configured == nil, try await store.apiKeyCount(role: .admin) == 0 else { return }
        let (key, record) = APIKeyAuthenticator.generateKey(for: .default, role: .admin, name: "admin", now: clock.now())
        try await store.insertAPIKey(record)
        announce("Generated the admin key for managing tenants and keys (shown once, stored only as a hash):\n  \(key)")
    }

    /// Gives every tenant made before tenants had webhook secrets of their own (all but
    /// `default`) its secret, shown nowhere: the server's secret keeps signing its webhooks
    /// beside it until its first rotation, so its receivers see no change.
    /// - Returns: the tenants given one.
    func giveTenantsWebhookSecrets() async throws -> [TenantID] {
        var given: [TenantID] = []
        for var tenant in try await store.listTenants() where tenant.adoptWebhookSecret() {
            try await store.updateTenant(tenant)
            given.append(tenant.id)
        }
        return given
    }

    /// The webhook signing secret: the configured one, or the one generated on first start.
    func webhookSecret(configured: String?) async throws -> String {
        if let configured { return configured }
        let candidate = SigningSecret.generate()
        let stored = try await store.insertSettingIfAbsent("webhook_secret", value: candidate)
        if stored == candidate {
            announce("Generated a webhook signing secret (shown once; receivers verify with it):\n  \(stored)")
        }
        return stored
    }
}
