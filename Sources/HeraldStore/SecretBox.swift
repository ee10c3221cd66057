import Crypto
import Foundation
public import HeraldCore

/// Encrypts the secrets Herald keeps in its database — provider tokens and app secrets (a
/// profile's settings), tenants' events signing secrets, the generated webhook signing secret —
/// with AES-256-GCM under one key: `HERALD_SECRET_KEY`, or for SQLite a key file beside the
/// database. A sealed value reads `enc:v1:` and the base64 of nonce, ciphertext and tag; a value
/// without that prefix was stored before encryption and is read as it is (until it is sealed).
public struct SecretBox: Sendable {
    static let prefix = "enc:v1:"

    /// The 32 key bytes (a `SymmetricKey` is made from them per use: it is not `Sendable`).
    private let keyBytes: [UInt8]
    private var key: SymmetricKey { SymmetricKey(data: keyBytes) }

    /// A key given as base64 of 32 bytes (`openssl rand -base64 32`, or `herald rotate-secret-key`).
    /// - Throws: ``HeraldError/invalidConfiguration(_:)`` for anything else.
    public init(base64Key text: String) throws(HeraldError) {
        guard let bytes = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)), bytes.count == 32 else {
            throw .invalidConfiguration(
                "the secret key must be 32 random bytes in base64 (make one with: openssl rand -base64 32); got something else"
            )
        }
        keyBytes = Array(bytes)
    }

    /// A fresh random key in base64.
    public static func generateKey() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() }
    }

    /// Whether `stored` is a sealed value (rather than one stored before encryption).
    public static func isSealed(_ stored: String) -> Bool {
        stored.hasPrefix(prefix)
    }

    /// `plaintext` sealed, with a fresh nonce.
    public func seal(_ plaintext: String) -> String {
        // AES-GCM sealing fails only for a key of the wrong size, which init rules out.
        guard let combined = try? AES.GCM.seal(Data(plaintext.utf8), using: key).combined else {
            preconditionFailure("AES-GCM refused a 256-bit key")
        }
        return Self.prefix + combined.base64EncodedString()
    }

    /// The plaintext of a sealed value; an unsealed one as it is.
    /// - Throws: ``StoreError/corrupt(_:)`` when it does not open under this key.
    public func open(_ stored: String) throws -> String {
        guard Self.isSealed(stored) else { return stored }
        guard let combined = Data(base64Encoded: String(stored.dropFirst(Self.prefix.count))),
              let box = try? AES.GCM.SealedBox(combined: combined),
              let plaintext = try? AES.GCM.open(box, using: key)
        else {
            throw StoreError.corrupt("a stored secret does not open with this secret key")
        }
        return String(decoding: plaintext, as: UTF8.self)
    }

    /// The name of the setting whose (sealed) value is ``checkText``: a key that opens it to
    /// that text is the key the database's secrets were sealed with.
    public static let checkSetting = "secret_key_check"
    public static let checkText = "herald secret key check"

    /// `stored` (sealed under `old`, or plain when stored before encryption) sealed under `self`.
    /// - Throws: ``StoreError/corrupt(_:)`` when a sealed value opens under neither key.
    package func reseal(_ stored: String, from old: SecretBox?) throws -> String {
        if Self.isSealed(stored), old == nil {
            // Already sealed, though no old key was given: it must be this key's.
            _ = try open(stored)
            return stored
        }
        return seal(try old.open(stored))
    }
}


extension Optional where Wrapped == SecretBox {
    /// Seals with the box when there is one (the server always has one; tests of the SQL may not).
    package func seal(_ plaintext: String) -> String {
        self?.seal(plaintext) ?? plaintext
    }

    package func seal(_ plaintext: String?) -> String? {
        plaintext.map { seal($0) }
    }

    package func open(_ stored: String) throws -> String {
        try self?.open(stored) ?? stored
    }

    package func open(_ stored: String?) throws -> String? {
        try stored.map { try open($0) }
    }
}

extension Tenant {
    /// The `tenants` columns that hold sealed secrets (resealed when the key changes).
    package static let sealedColumns = ["events_secret", "events_secret_previous", "webhook_secret", "webhook_secret_previous"]
}
