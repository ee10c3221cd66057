import Foundation
public import HeraldCore
import HeraldStore
import Logging
import PostgresNIO

extension PostgresStore {
    public func createProfile(_ profile: SenderProfile) async throws {
        try await changeProfiles(of: profile.tenantID) { connection, others, logger in
            if let conflict = ProfileConflict.check(profile, against: others) { throw conflict }
            try await connection.query(PostgresQuery(
                unsafeSQL: "INSERT INTO profiles (\(Self.profileColumns)) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                binds: Self.bindings(profile, self.secrets)
            ), logger: logger)
            try await Self.bindOutlets(of: profile, connection, logger)
        }
    }

    public func profile(id: ProfileID) async throws -> SenderProfile? {
        try await query(PostgresQuery(
            unsafeSQL: "SELECT \(Self.profileColumns) FROM profiles WHERE id = $1", binds: Self.binds(id.rawValue)
        )).first.map { try Self.profile($0, self.secrets) }
    }

    public func profiles(tenant: TenantID) async throws -> [SenderProfile] {
        try await query(Self.profilesQuery(tenant)).map { try Self.profile($0, self.secrets) }
    }

    public func profiles(channel: String) async throws -> [SenderProfile] {
        try await query(PostgresQuery(unsafeSQL: "SELECT \(Self.profileColumns) FROM profiles WHERE channel = $1 ORDER BY id", binds: Self.binds(channel)))
            .map { try Self.profile($0, self.secrets) }
    }

    public func updateProfile(_ profile: SenderProfile) async throws {
        try await changeProfiles(of: profile.tenantID) { connection, others, logger in
            guard others.contains(where: { $0.id == profile.id }) else { throw StoreError.notFound }
            if let conflict = ProfileConflict.check(profile, against: others) { throw conflict }
            var bindings = Self.bindings(profile, self.secrets)
            bindings.append(profile.tenantID.rawValue)
            try await connection.query(PostgresQuery(
                unsafeSQL: """
                    UPDATE profiles SET name = $3, channel = $4, config = $5, outlet_ids = $6, is_default = $7,
                        dry_run = $8, updated_at = $10
                    WHERE id = $1 AND tenant_id = $2
                    """,
                binds: bindings
            ), logger: logger)
            try await connection.query(PostgresQuery(
                unsafeSQL: "DELETE FROM profile_outlets WHERE profile_id = $1", binds: Self.binds(profile.id.rawValue)
            ), logger: logger)
            try await Self.bindOutlets(of: profile, connection, logger)
        }
    }

    public func deleteProfile(id: ProfileID) async throws {
        guard let profile = try await profile(id: id) else { throw StoreError.notFound }
        try await changeProfiles(of: profile.tenantID) { connection, _, logger in
            let users = try await connection.query(PostgresQuery(
                unsafeSQL: """
                    SELECT COUNT(*) FROM messages
                    WHERE profile_id = $1 AND status IN (\(MessageStatus.awaitingSendSQL))
                    """,
                binds: Self.binds(id.rawValue)
            ), logger: logger).collect().first?.decode(Int64.self) ?? 0
            guard users == 0 else { throw ProfileConflict.inUse(id, messages: Int(users)) }
            let deleted = try await connection.query(PostgresQuery(
                unsafeSQL: "DELETE FROM profiles WHERE id = $1 RETURNING id", binds: Self.binds(id.rawValue)
            ), logger: logger).collect()
            guard !deleted.isEmpty else { throw StoreError.notFound }
            try await connection.query(PostgresQuery(
                unsafeSQL: "DELETE FROM profile_outlets WHERE profile_id = $1", binds: Self.binds(id.rawValue)
            ), logger: logger)
        }
    }

    /// Runs `body` in a transaction that holds the tenant's profile lock (so two processes
    /// cannot both pass the same rule check), with the tenant's profiles as they are then.
    private func changeProfiles(
        of tenant: TenantID,
        _ body: @escaping @Sendable (LeasedConnection, [SenderProfile], Logger) async throws -> Void
    ) async throws {
        let logger = logger
        try await connections.transaction { connection in
            try await connection.query(PostgresQuery(
                unsafeSQL: "SELECT pg_advisory_xact_lock(hashtext($1))", binds: Self.binds("herald.profiles:" + tenant.rawValue)
            ), logger: logger)
            let others = try await connection.query(Self.profilesQuery(tenant), logger: logger).collect().map { try Self.profile($0, self.secrets) }
            try await body(connection, others, logger)
        }
    }

    private static let profileColumns = "id, tenant_id, name, channel, config, outlet_ids, is_default, dry_run, created_at, updated_at"

    private static func profilesQuery(_ tenant: TenantID) -> PostgresQuery {
        PostgresQuery(unsafeSQL: "SELECT \(profileColumns) FROM profiles WHERE tenant_id = $1 ORDER BY name", binds: binds(tenant.rawValue))
    }

    private static func bindOutlets(of profile: SenderProfile, _ connection: LeasedConnection, _ logger: Logger) async throws {
        guard !profile.outletIDs.isEmpty else { return }
        try await connection.query(PostgresQuery(
            unsafeSQL: """
                INSERT INTO profile_outlets (tenant_id, channel, outlet_id, profile_id)
                SELECT $1, $2, o, $3 FROM UNNEST($4::text[]) AS o
                """,
            binds: binds(profile.tenantID.rawValue, profile.channel, profile.id.rawValue, profile.outletIDs)
        ), logger: logger)
    }

    /// A profile's values in ``profileColumns`` order ($1 … $10).
    private static func bindings(_ profile: SenderProfile, _ secrets: SecretBox?) -> PostgresBindings {
        binds(
            profile.id.rawValue, profile.tenantID.rawValue, profile.name, profile.channel, secrets.seal(JSONValue.object(profile.config).jsonText),
            JSONValue.array(profile.outletIDs.map(JSONValue.string)).jsonText, profile.isDefault, profile.dryRun,
            profile.createdAt.millis, profile.updatedAt.millis
        )
    }

    /// The settings (`config`) are sealed whole: they hold the channel's credentials.
    private static func profile(_ row: PostgresRow, _ secrets: SecretBox?) throws -> SenderProfile {
        let (id, tenant, name, channel, sealedConfig, outletsText, isDefault, dryRun, createdAt, updatedAt) = try row.decode(
            (String, String, String, String, String, String, Bool, Bool, Int64, Int64).self
        )
        let configText = try secrets.open(sealedConfig)
        guard let config = JSONValue.decode(configText.utf8)?.objectValue, case .array(let outlets)? = JSONValue.decode(outletsText.utf8) else {
            throw StoreError.corrupt("profile \(id) has unreadable settings")
        }
        return SenderProfile(
            id: ProfileID(unchecked: id), tenantID: TenantID(tenant), name: name, channel: channel, config: config,
            outletIDs: outlets.compactMap(\.stringValue), isDefault: isDefault, dryRun: dryRun,
            createdAt: Date(millis: createdAt), updatedAt: Date(millis: updatedAt)
        )
    }
}
