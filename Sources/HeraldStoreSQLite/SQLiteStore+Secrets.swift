import GRDB
import HeraldCore
public import HeraldStore

extension SQLiteStore {
    public func resealSecrets(from old: SecretBox?, to new: SecretBox) async throws -> Int {
        try await Self.write(pool) { db in
            var count = 0
            for row in try Row.fetchAll(db, sql: "SELECT id, config FROM profiles") {
                try db.execute(sql: "UPDATE profiles SET config = ? WHERE id = ?", arguments: [try new.reseal(row[1], from: old), row[0] as String])
                count += 1
            }
            let columns = Tenant.sealedColumns
            for row in try Row.fetchAll(db, sql: "SELECT id, \(columns.joined(separator: ", ")) FROM tenants") {
                let sealed: [String?] = (1...columns.count).map { row[$0] }
                guard sealed.contains(where: { $0 != nil }) else { continue }
                let resealed = try sealed.map { try $0.map { try new.reseal($0, from: old) } }
                try db.execute(
                    sql: "UPDATE tenants SET \(columns.map { "\($0) = ?" }.joined(separator: ", ")) WHERE id = ?",
                    arguments: StatementArguments(resealed + [row[0] as String])
                )
                count += sealed.compactMap { $0 }.count
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
