import GRDB
public import HeraldStore

extension SQLiteStore {
    public func resealSecrets(from old: SecretBox?, to new: SecretBox) async throws -> Int {
        try await Self.write(pool) { db in
            var count = 0
            for row in try Row.fetchAll(db, sql: "SELECT id, config FROM profiles") {
                try db.execute(sql: "UPDATE profiles SET config = ? WHERE id = ?", arguments: [try new.reseal(row[1], from: old), row[0] as String])
                count += 1
            }
            for row in try Row.fetchAll(db, sql: "SELECT id, events_secret, events_secret_previous FROM tenants") {
                let current: String? = row[1]
                let previous: String? = row[2]
                guard current != nil || previous != nil else { continue }
                try db.execute(
                    sql: "UPDATE tenants SET events_secret = ?, events_secret_previous = ? WHERE id = ?",
                    arguments: [try current.map { try new.reseal($0, from: old) }, try previous.map { try new.reseal($0, from: old) }, row[0] as String]
                )
                count += [current, previous].compactMap { $0 }.count
            }
            for row in try Row.fetchAll(db, sql: "SELECT name, value FROM settings WHERE name <> ?", arguments: [SecretBox.checkSetting]) {
                try db.execute(sql: "UPDATE settings SET value = ? WHERE name = ?", arguments: [try new.reseal(row[1], from: old), row[0] as String])
                count += 1
            }
            try db.execute(
                sql: "INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                arguments: [SecretBox.checkSetting, new.seal(SecretBox.checkText)]
            )
            return count
        }
    }
}
