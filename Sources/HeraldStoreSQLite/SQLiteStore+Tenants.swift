public import Foundation
import GRDB
public import HeraldCore
import HeraldStore

extension SQLiteStore {
    public func createTenant(_ tenant: Tenant) async throws {
        try await Self.write(pool) { db in
            try db.execute(sql: """
                INSERT INTO tenants (\(Self.tenantColumns))
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING
                """, arguments: StatementArguments(Self.arguments(tenant, self.secrets)))
            guard db.changesCount > 0 else { throw StoreError.conflict("tenant \(tenant.id) exists") }
        }
    }

    public func tenant(id: TenantID) async throws -> Tenant? {
        try await read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT \(Self.tenantColumns) FROM tenants WHERE id = ?"), arguments: [id.rawValue])
                .map { try Self.tenant($0, self.secrets) }
        }
    }

    public func listTenants() async throws -> [Tenant] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.tenantColumns) FROM tenants ORDER BY id").map { try Self.tenant($0, self.secrets) }
        }
    }

    public func updateTenant(_ tenant: Tenant) async throws {
        try await Self.write(pool) { db in
            let arguments = Self.arguments(tenant, self.secrets)
            try db.execute(
                sql: """
                    UPDATE tenants SET name = ?, disabled = ?, quota_limit = ?, quota_period = ?, updated_at = ?, default_channel = ?,
                        events_url = ?, events_secret = ?, events_secret_previous = ?, events_secret_previous_expires_at = ?, weight = ?,
                        webhook_secret = ?, webhook_secret_previous = ?, webhook_secret_previous_expires_at = ?,
                        webhook_signed_with_server_secret = ?
                    WHERE id = ?
                    """,
                arguments: StatementArguments(Array(arguments[1...4]) + Array(arguments[6...]) + [arguments[0]])
            )
            guard db.changesCount > 0 else { throw StoreError.notFound }
        }
    }

    public func quotaUsed(tenant: TenantID, period: Quota.Period, periodStart: Date) async throws -> Int {
        try await read { db in
            try Int.fetchOne(
                db, sql: "SELECT used FROM quota_usage WHERE tenant_id = ? AND period = ? AND period_start = ?",
                arguments: [tenant.rawValue, period.rawValue, periodStart.millis]
            ) ?? 0
        }
    }

    private static let tenantColumns = """
        id, name, disabled, quota_limit, quota_period, created_at, updated_at, default_channel,
        events_url, events_secret, events_secret_previous, events_secret_previous_expires_at, weight,
        webhook_secret, webhook_secret_previous, webhook_secret_previous_expires_at, webhook_signed_with_server_secret
        """

    private static func arguments(_ tenant: Tenant, _ secrets: SecretBox?) -> [(any DatabaseValueConvertible)?] {
        [
            tenant.id.rawValue, tenant.name, tenant.disabled, tenant.quota?.limit, tenant.quota?.period.rawValue,
            tenant.createdAt.millis, tenant.updatedAt.millis, tenant.defaultChannel,
            tenant.eventsURL, secrets.seal(tenant.eventsSecret), secrets.seal(tenant.previousEventsSecret),
            tenant.previousEventsSecretExpiresAt?.millis, tenant.weight,
            secrets.seal(tenant.webhookSecret), secrets.seal(tenant.previousWebhookSecret), tenant.previousWebhookSecretExpiresAt?.millis,
            tenant.webhookSignedWithServerSecret,
        ]
    }

    /// The events and webhook signing secrets are sealed.
    private static func tenant(_ row: Row, _ secrets: SecretBox?) throws -> Tenant {
        var quota: Quota?
        if let limit: Int = row[3], let periodText: String = row[4] {
            guard let period = Quota.Period(rawValue: periodText) else { throw StoreError.corrupt("unknown quota period \(periodText)") }
            quota = Quota(limit: limit, period: period)
        }
        var tenant = Tenant(
            id: TenantID(row[0]), name: row[1], disabled: row[2], quota: quota, defaultChannel: row[7],
            eventsURL: row[8], eventsSecret: try secrets.open(row[9] as String?), createdAt: Date(millis: row[5] as Int64), updatedAt: Date(millis: row[6] as Int64)
        )
        tenant.previousEventsSecret = try secrets.open(row[10] as String?)
        tenant.previousEventsSecretExpiresAt = Date(millis: row[11] as Int64?)
        tenant.weight = row[12]
        tenant.webhookSecret = try secrets.open(row[13] as String?)
        tenant.previousWebhookSecret = try secrets.open(row[14] as String?)
        tenant.previousWebhookSecretExpiresAt = Date(millis: row[15] as Int64?)
        tenant.webhookSignedWithServerSecret = row[16]
        return tenant
    }
}
