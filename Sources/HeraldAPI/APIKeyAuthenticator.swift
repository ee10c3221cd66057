import Crypto
public import Foundation
public import HeraldCore
public import HeraldStore

/// Checks API keys: the one from configuration (compared in constant time) and those stored as
/// SHA-256 digests in the database.
public struct APIKeyAuthenticator: Sendable {
    private let configuredKeyDigest: Data?
    private let store: any CredentialStore

    /// - Parameters:
    ///   - configuredKey: the default tenant's key from configuration, if one is set.
    ///   - store: where generated keys' digests live.
    public init(configuredKey: String?, store: any CredentialStore) {
        self.configuredKeyDigest = configuredKey.map { Data(SHA256.hash(data: Data($0.utf8))) }
        self.store = store
    }

    /// The tenant `key` belongs to, or `nil` when it is not a valid key.
    public func tenant(forKey key: String) async throws -> TenantID? {
        let digest = Data(SHA256.hash(data: Data(key.utf8)))
        if let configuredKeyDigest, Self.constantTimeEqual(digest, configuredKeyDigest) {
            return .default
        }
        return try await store.apiKey(hash: Hex.encode(digest))?.tenantID
    }

    /// A new key (`hk_` + 32 random bytes, base32) and the record to store for it.
    public static func generateKey(for tenant: TenantID, now: Date) -> (key: String, record: StoredAPIKey) {
        var random = SystemRandomNumberGenerator()
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567")
        let secret = String((0..<40).map { _ in alphabet[Int(random.next() % 32)] })
        let key = "hk_" + secret
        let record = StoredAPIKey(
            id: "key_" + String(secret.prefix(12)),
            tenantID: tenant,
            prefix: String(key.prefix(9)),
            hash: digestHex(of: key),
            createdAt: now
        )
        return (key, record)
    }

    /// Hex SHA-256 of a key, as stored.
    private static func digestHex(of key: String) -> String {
        Hex.encode(SHA256.hash(data: Data(key.utf8)))
    }

    private static func constantTimeEqual(_ lhs: Data, _ rhs: Data) -> Bool {
        guard lhs.count == rhs.count else { return false }
        return zip(lhs, rhs).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
