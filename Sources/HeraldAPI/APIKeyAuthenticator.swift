import Crypto
public import Foundation
public import HeraldCore
public import HeraldStore

/// Checks API keys: those from configuration (their digests compared with swift-crypto's
/// constant-time comparison) and those stored as SHA-256 digests. A key of a disabled (or
/// unknown) tenant, or a revoked key, is no key.
public struct APIKeyAuthenticator: Sendable {
    private let configuredKeyDigest: Data?
    private let configuredAdminKeyDigest: Data?
    private let store: any CredentialStore
    private let tenants: TenantDirectory

    /// - Parameters:
    ///   - configuredKey: the default tenant's key from configuration, if one is set.
    ///   - configuredAdminKey: the administrator's key from configuration, if one is set.
    ///   - store: where generated keys' digests live.
    ///   - tenants: to refuse keys of disabled tenants.
    public init(configuredKey: String?, configuredAdminKey: String? = nil, store: any CredentialStore, tenants: TenantDirectory) {
        self.configuredKeyDigest = configuredKey.map { Data(SHA256.hash(data: Data($0.utf8))) }
        self.configuredAdminKeyDigest = configuredAdminKey.map { Data(SHA256.hash(data: Data($0.utf8))) }
        self.store = store
        self.tenants = tenants
    }

    /// Who `key` belongs to, or `nil` when it is not a valid key.
    public func principal(forKey key: String) async throws -> Principal? {
        let digest = SHA256.hash(data: Data(key.utf8))
        // swift-crypto compares digests in constant time.
        if let configuredAdminKeyDigest, digest == configuredAdminKeyDigest {
            return .admin
        }
        if let configuredKeyDigest, digest == configuredKeyDigest {
            return try await active(.default)
        }
        guard let stored = try await store.apiKey(hash: Hex.encode(Data(digest))) else { return nil }
        switch stored.role {
        case .admin: return .admin
        case .tenant: return try await active(stored.tenantID)
        }
    }

    private func active(_ id: TenantID) async throws -> Principal? {
        guard let tenant = try await tenants.tenant(id), !tenant.disabled else { return nil }
        return .tenant(id)
    }

    /// A new key (`hk_` + 40 random base-32 characters) and the record to store for it.
    public static func generateKey(
        for tenant: TenantID,
        role: StoredAPIKey.Role = .tenant,
        name: String? = nil,
        now: Date
    ) -> (key: String, record: StoredAPIKey) {
        var random = SystemRandomNumberGenerator()
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567")
        let secret = String((0..<40).map { _ in alphabet[Int(random.next() % 32)] })
        let key = (role == .admin ? "hka_" : "hk_") + secret
        let record = StoredAPIKey(
            // Independent of the secret: ids and prefixes are shown in lists.
            id: PrefixedID.make(prefix: "key", at: now).rawValue,
            tenantID: tenant,
            role: role,
            name: name,
            prefix: String(key.prefix(key.hasPrefix("hka_") ? 10 : 9)),
            hash: Hex.encode(SHA256.hash(data: Data(key.utf8))),
            createdAt: now
        )
        return (key, record)
    }
}
