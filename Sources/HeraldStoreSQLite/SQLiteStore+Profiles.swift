import Foundation
import GRDB
public import HeraldCore
import HeraldStore

extension SQLiteStore {
    public func createProfile(_ profile: SenderProfile) async throws {
        try await Self.write(pool) { db in
            // One writer: checking the tenant's profiles and writing happen with nothing in between.
            if let conflict = ProfileConflict.check(profile, against: try Self.profiles(of: profile.tenantID, self.secrets, db)) { throw conflict }
            try db.execute(sql: "INSERT INTO profiles (\(Self.profileColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", arguments: Self.arguments(profile, self.secrets))
            try Self.bindOutlets(of: profile, db)
        }
    }

    public func profile(id: ProfileID) async throws -> SenderProfile? {
        try await read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT \(Self.profileColumns) FROM profiles WHERE id = ?"), arguments: [id.rawValue])
                .map { try Self.profile($0, self.secrets) }
        }
    }

    public func profiles(tenant: TenantID) async throws -> [SenderProfile] {
        try await read { db in try Self.profiles(of: tenant, self.secrets, db) }
    }

    public func profiles(channel: String) async throws -> [SenderProfile] {
        try await read { db in
            try Row.fetchAll(db.cachedStatement(sql: "SELECT \(Self.profileColumns) FROM profiles WHERE channel = ? ORDER BY id"), arguments: [channel])
                .map { try Self.profile($0, self.secrets) }
        }
    }

    public func updateProfile(_ profile: SenderProfile) async throws {
        try await Self.write(pool) { db in
            if let conflict = ProfileConflict.check(profile, against: try Self.profiles(of: profile.tenantID, self.secrets, db)) { throw conflict }
            try db.execute(
                sql: """
                    UPDATE profiles SET name = ?, channel = ?, config = ?, outlet_ids = ?, is_default = ?, dry_run = ?, updated_at = ?
                    WHERE id = ? AND tenant_id = ?
                    """,
                arguments: [
                    profile.name, profile.channel, self.secrets.seal(JSONValue.object(profile.config).jsonText), Self.outletsText(profile),
                    profile.isDefault, profile.dryRun, profile.updatedAt.millis, profile.id.rawValue, profile.tenantID.rawValue,
                ]
            )
            guard db.changesCount > 0 else { throw StoreError.notFound }
            try db.execute(sql: "DELETE FROM profile_outlets WHERE profile_id = ?", arguments: [profile.id.rawValue])
            try Self.bindOutlets(of: profile, db)
        }
    }

    public func deleteProfile(id: ProfileID) async throws {
        try await Self.write(pool) { db in
            let users = try Int.fetchOne(
                db,
                sql: """
                    SELECT COUNT(*) FROM messages
                    WHERE profile_id = ? AND status IN (\(MessageStatus.awaitingSendSQL))
                    """,
                arguments: [id.rawValue]
            ) ?? 0
            guard users == 0 else { throw ProfileConflict.inUse(id, messages: users) }
            try db.execute(sql: "DELETE FROM profiles WHERE id = ?", arguments: [id.rawValue])
            guard db.changesCount > 0 else { throw StoreError.notFound }
            try db.execute(sql: "DELETE FROM profile_outlets WHERE profile_id = ?", arguments: [id.rawValue])
        }
    }

    private static let profileColumns = "id, tenant_id, name, channel, config, outlet_ids, is_default, dry_run, created_at, updated_at"

    private static func profiles(of tenant: TenantID, _ secrets: SecretBox?, _ db: Database) throws -> [SenderProfile] {
        try Row.fetchAll(
            db.cachedStatement(sql: "SELECT \(profileColumns) FROM profiles WHERE tenant_id = ? ORDER BY name"), arguments: [tenant.rawValue]
        ).map { try profile($0, secrets) }
    }

    private static func bindOutlets(of profile: SenderProfile, _ db: Database) throws {
        for outlet in profile.outletIDs {
            try db.execute(
                sql: "INSERT INTO profile_outlets (tenant_id, channel, outlet_id, profile_id) VALUES (?, ?, ?, ?)",
                arguments: [profile.tenantID.rawValue, profile.channel, outlet, profile.id.rawValue]
            )
        }
    }

    private static func outletsText(_ profile: SenderProfile) -> String {
        JSONValue.array(profile.outletIDs.map(JSONValue.string)).jsonText
    }

    private static func arguments(_ profile: SenderProfile, _ secrets: SecretBox?) -> StatementArguments {
        [
            profile.id.rawValue, profile.tenantID.rawValue, profile.name, profile.channel, secrets.seal(JSONValue.object(profile.config).jsonText),
            outletsText(profile), profile.isDefault, profile.dryRun, profile.createdAt.millis, profile.updatedAt.millis,
        ]
    }

    /// The settings (`config`) are sealed whole: they hold the channel's credentials.
    private static func profile(_ row: Row, _ secrets: SecretBox?) throws -> SenderProfile {
        let configText = try secrets.open(row[4] as String)
        let outletsText: String = row[5]
        guard let config = JSONValue.decode(configText.utf8)?.objectValue, case .array(let outlets)? = JSONValue.decode(outletsText.utf8) else {
            throw StoreError.corrupt("profile \(row[0] as String) has unreadable settings")
        }
        return SenderProfile(
            id: ProfileID(unchecked: row[0]), tenantID: TenantID(row[1]), name: row[2], channel: row[3], config: config,
            outletIDs: outlets.compactMap(\.stringValue), isDefault: row[6], dryRun: row[7],
            createdAt: Date(millis: row[8] as Int64), updatedAt: Date(millis: row[9] as Int64)
        )
    }
}
