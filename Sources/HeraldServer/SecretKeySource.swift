import Foundation
public import HeraldCore
public import HeraldStore
#if canImport(Glibc)
import Glibc
#endif

/// Where the key that seals Herald's stored secrets comes from: `database.secret_key`
/// (`HERALD_SECRET_KEY`), or — for SQLite only — a key file beside the database
/// (`herald.sqlite.key`, created at first start with mode 0600). PostgreSQL requires the
/// setting: every process must hold the same key.
public enum SecretKeySource: Sendable, CustomStringConvertible {
    case configured
    case file(path: String)

    public var description: String {
        switch self {
        case .configured: "HERALD_SECRET_KEY (database.secret_key)"
        case .file(let path): "the key file \(path)"
        }
    }

    /// The key and where it came from, creating the SQLite key file when there is none.
    /// - Throws: ``HeraldError/invalidConfiguration(_:)`` for a malformed key, a PostgreSQL
    ///   database without one, or a key file that cannot be read or written.
    public static func load(for configuration: HeraldConfiguration) throws(HeraldError) -> (SecretBox, SecretKeySource) {
        if let text = configuration.database.secretKey {
            return (try SecretBox(base64Key: text), .configured)
        }
        guard configuration.database.url == nil else {
            throw .invalidConfiguration(
                "PostgreSQL needs HERALD_SECRET_KEY (database.secret_key): every process must seal and open the stored secrets "
                    + "with the same key. Make one with: openssl rand -base64 32"
            )
        }
        let path = keyFilePath(for: configuration.database.path)
        return (try readOrCreate(path), .file(path: path))
    }

    /// The key file of a SQLite database.
    public static func keyFilePath(for database: String) -> String {
        database + ".key"
    }

    /// Where `herald rotate-secret-key` keeps the new key until the secrets are sealed with it.
    public static func pendingKeyFilePath(for keyFile: String) -> String {
        keyFile + ".new"
    }

    /// Replaces the key file with the pending one.
    public static func promote(_ pending: String, to keyFile: String) throws(HeraldError) {
        guard rename(pending, keyFile) == 0 else {
            throw .invalidConfiguration("cannot replace the key file \(keyFile): \(String(cString: strerror(errno)))")
        }
    }

    /// Writes `key` to `path` with mode 0600, replacing any file there only once it is complete.
    public static func write(_ key: String, to path: String) throws(HeraldError) {
        let temporary = path + ".tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard descriptor >= 0 else { throw .invalidConfiguration("cannot write the key file \(temporary): \(String(cString: strerror(errno)))") }
        let bytes = Array((key + "\n").utf8)
        let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor) == 0
        close(descriptor)
        guard written == bytes.count, synced, rename(temporary, path) == 0 else {
            throw .invalidConfiguration("cannot write the key file \(path): \(String(cString: strerror(errno)))")
        }
    }

    private static func readOrCreate(_ path: String) throws(HeraldError) -> SecretBox {
        if FileManager.default.fileExists(atPath: path) {
            if let permissions = (try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? NSNumber,
               permissions.intValue & 0o077 != 0 {
                let mode = String(permissions.intValue & 0o777, radix: 8)
                throw .invalidConfiguration(
                    "the key file \(path) can be read by other users of this machine (mode \(mode)); it opens every stored secret. "
                        + "Make it the owner's alone: chmod 600 \(path)"
                )
            }
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw .invalidConfiguration("cannot read the key file \(path)")
            }
            return try SecretBox(base64Key: text)
        }
        let key = SecretBox.generateKey()
        try write(key, to: path)
        return try SecretBox(base64Key: key)
    }
}

/// Makes sure the key opens the database's secrets before anything runs: the check value
/// (``SecretBox/checkSetting``) must open to its text. On the first start with encryption there
/// is none: the secrets stored in plain text until then are sealed, and the check value stored.
enum SecretKeyCheck {
    /// - Returns: how many plain secrets were sealed (0 once they all are).
    /// - Throws: ``HeraldError/invalidConfiguration(_:)`` when the key is not the one the
    ///   secrets were sealed with.
    static func verify(_ store: any HeraldStore, box: SecretBox, source: SecretKeySource) async throws -> Int {
        let check: String?
        do {
            check = try await store.setting(SecretBox.checkSetting)
        } catch let error as StoreError where !error.isUnavailable {
            throw wrongKey(source)
        }
        guard let check else { return try await store.resealSecrets(from: nil, to: box) }
        guard check == SecretBox.checkText else { throw wrongKey(source) }
        return 0
    }

    static func wrongKey(_ source: SecretKeySource) -> HeraldError {
        .invalidConfiguration(
            "the secret key from \(source) does not open this database's stored secrets: it is not the key they were sealed with. "
                + "Start with that key (herald rotate-secret-key changes it safely)"
        )
    }
}
