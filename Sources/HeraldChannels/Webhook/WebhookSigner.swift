import Crypto
public import Foundation

/// Signs and verifies webhook requests per Standard Webhooks: `webhook-signature` is `v1,` and
/// the base64 HMAC-SHA256 of `id.timestamp.body`, keyed by the base64 part of a `whsec_…` secret.
public struct WebhookSigner: Sendable {
    /// The key bytes; `SymmetricKey` is not `Sendable`, so one is made per use (a cheap copy).
    private let keyBytes: Data
    private var key: SymmetricKey { SymmetricKey(data: keyBytes) }

    /// - Parameter secret: `whsec_` followed by base64 key bytes (the prefix may be omitted).
    /// - Returns: `nil` when the secret is not valid base64 or is empty.
    public init?(secret: String) {
        let encoded = secret.hasPrefix("whsec_") ? String(secret.dropFirst(6)) : secret
        guard let bytes = Data(base64Encoded: encoded), !bytes.isEmpty else { return nil }
        keyBytes = bytes
    }

    /// The `webhook-signature` header value for one request.
    public func sign(id: String, timestamp: Int, body: some DataProtocol) -> String {
        "v1," + Data(mac(id: id, timestamp: timestamp, body: body)).base64EncodedString()
    }

    /// Whether any `v1` signature in a (space-separated) header matches, compared in constant time.
    public func verify(id: String, timestamp: Int, body: some DataProtocol, signatureHeader: String) -> Bool {
        let expected = mac(id: id, timestamp: timestamp, body: body)
        var matched = false
        for candidate in signatureHeader.split(separator: " ") where candidate.hasPrefix("v1,") {
            guard let given = Data(base64Encoded: String(candidate.dropFirst(3))) else { continue }
            // `==` against bytes is swift-crypto's constant-time comparison.
            if expected == given { matched = true }
        }
        return matched
    }

    /// The MAC of `id.timestamp.body`, fed piece by piece rather than copied into one buffer first.
    private func mac(id: String, timestamp: Int, body: some DataProtocol) -> HashedAuthenticationCode<SHA256> {
        var hmac = HMAC<SHA256>(key: key)
        var prefix = "\(id).\(timestamp)."
        prefix.withUTF8 { hmac.update(data: $0) }
        hmac.update(data: body)
        return hmac.finalize()
    }
}
