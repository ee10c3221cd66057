import HeraldCore
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
            let columns = Tenant.sealedColumns
            let tenants = try await connection.query(
                PostgresQuery(unsafeSQL: "SELECT id, \(columns.joined(separator: ", ")) FROM tenants FOR UPDATE"), logger: logger
            ).collect()
            for row in tenants {
                let cells = row.makeRandomAccess()
                let id = try cells[0].decode(String.self)
                let sealed = try (1...columns.count).map { try cells[$0].decode(String?.self) }
                guard sealed.contains(where: { $0 != nil }) else { continue }
                var binds = PostgresBindings(capacity: columns.count + 1)
                for value in sealed { binds.append(try value.map { try new.reseal($0, from: old) }) }
                binds.append(id)
                let assignments = columns.enumerated().map { "\($1) = $\($0 + 1)" }.joined(separator: ", ")
                try await connection.query(
                    PostgresQuery(unsafeSQL: "UPDATE tenants SET \(assignments) WHERE id = $\(columns.count + 1)", binds: binds), logger: logger
                )
                count += sealed.compactMap { $0 }.count
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
