public import HeraldStore
import PostgresNIO

extension PostgresStore {
    public func resealSecrets(from old: SecretBox?, to new: SecretBox) async throws -> Int {
        let logger = logger
        return try await connections.transaction { connection in
            var count = 0
            for row in try await connection.query("SELECT id, config FROM profiles FOR UPDATE", logger: logger).collect() {
                let (id, config) = try row.decode((String, String).self)
                try await connection.query(
                    "UPDATE profiles SET config = \(try new.reseal(config, from: old)) WHERE id = \(id)", logger: logger
                )
                count += 1
            }
            for row in try await connection.query("SELECT id, events_secret, events_secret_previous FROM tenants FOR UPDATE", logger: logger).collect() {
                let (id, current, previous) = try row.decode((String, String?, String?).self)
                guard current != nil || previous != nil else { continue }
                let sealedCurrent = try current.map { try new.reseal($0, from: old) }
                let sealedPrevious = try previous.map { try new.reseal($0, from: old) }
                try await connection.query(
                    "UPDATE tenants SET events_secret = \(sealedCurrent), events_secret_previous = \(sealedPrevious) WHERE id = \(id)",
                    logger: logger
                )
                count += [current, previous].compactMap { $0 }.count
            }
            let settings = try await connection.query(
                "SELECT name, value FROM settings WHERE name <> \(SecretBox.checkSetting) FOR UPDATE", logger: logger
            ).collect()
            for row in settings {
                let (name, value) = try row.decode((String, String).self)
                try await connection.query("UPDATE settings SET value = \(try new.reseal(value, from: old)) WHERE name = \(name)", logger: logger)
                count += 1
            }
            let check = new.seal(SecretBox.checkText)
            try await connection.query(
                """
                INSERT INTO settings (name, value) VALUES (\(SecretBox.checkSetting), \(check))
                ON CONFLICT (name) DO UPDATE SET value = excluded.value
                """,
                logger: logger
            )
            return count
        }
    }
}
