public import Foundation
public import HeraldCore

/// API keys, stored only as digests, and the secrets Herald generates for itself.
public protocol CredentialStore: Sendable {
    /// Stores an API key's digest.
    func insertAPIKey(_ key: StoredAPIKey) async throws
    /// The key whose digest is `hash`, if it exists and is not revoked.
    func apiKey(hash: String) async throws -> StoredAPIKey?
    /// How many active keys with `role` exist.
    func apiKeyCount(role: StoredAPIKey.Role) async throws -> Int
    /// A setting Herald stored for itself (such as a generated signing secret).
    func setting(_ name: String) async throws -> String?
    /// Stores `value` under `name` unless a value is already there.
    /// - Returns: the value that is stored now: `value`, or the one that was there first.
    func insertSettingIfAbsent(_ name: String, value: String) async throws -> String
}

/// An API key as stored: never the secret itself.
public struct StoredAPIKey: Sendable, Hashable {
    /// What a key may do.
    public enum Role: String, Sendable, Hashable {
        /// Sends and reads its tenant's messages.
        case tenant
        /// Manages tenants and keys.
        case admin
    }

    public var id: String
    public var tenantID: TenantID
    public var role: Role
    /// A label chosen when the key was made.
    public var name: String?
    /// The first characters of the key, to recognise it in lists.
    public var prefix: String
    /// Hex SHA-256 of the full key.
    public var hash: String
    public var createdAt: Date
    public var revokedAt: Date?

    public init(
        id: String,
        tenantID: TenantID,
        role: Role = .tenant,
        name: String? = nil,
        prefix: String,
        hash: String,
        createdAt: Date,
        revokedAt: Date? = nil
    ) {
        self.id = id
        self.tenantID = tenantID
        self.role = role
        self.name = name
        self.prefix = prefix
        self.hash = hash
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }
}

/// Everything the server needs from one database.
/// Re-sealing the stored secrets under a new key (`herald rotate-secret-key`, or the first start
/// with encryption, when `old` is `nil` and the secrets are plain text).
public protocol SecretStore: Sendable {
    /// Re-seals every stored secret — profiles' settings, tenants' events secrets, settings —
    /// read with `old` (or as plain text) and sealed with `new`, and stores `new`'s check value
    /// (``SecretBox/checkSetting``), in one transaction.
    /// - Returns: how many values were sealed anew.
    func resealSecrets(from old: SecretBox?, to new: SecretBox) async throws -> Int
}

public typealias HeraldStore = MessageStore & CredentialStore & TenantStore & ProfileStore & ReceiptStore & PacingStore & PauseStore & SecretStore & RetentionStore & QueueDepthStore
