public import Foundation
public import HeraldCore
import HeraldStore
import PostgresNIO

extension PostgresStore {
    public func createTenant(_ tenant: Tenant) async throws {
        let rows = try await query(PostgresQuery(
            unsafeSQL: """
                INSERT INTO tenants (\(Self.tenantColumns))
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) ON CONFLICT (id) DO NOTHING RETURNING id
                """,
            binds: Self.bindings(tenant, secrets: secrets)
        ))
        guard !rows.isEmpty else { throw StoreError.conflict("tenant \(tenant.id) exists") }
    }

    public func tenant(id: TenantID) async throws -> Tenant? {
        try await query(PostgresQuery(
            unsafeSQL: "SELECT \(Self.tenantColumns) FROM tenants WHERE id = $1", binds: Self.binds(id.rawValue)
        )).first.map { try Self.tenant($0, self.secrets) }
    }

    public func listTenants() async throws -> [Tenant] {
        try await query(PostgresQuery(unsafeSQL: "SELECT \(Self.tenantColumns) FROM tenants ORDER BY id")).map { try Self.tenant($0, self.secrets) }
    }

    public func updateTenant(_ tenant: Tenant) async throws {
        let rows = try await query(PostgresQuery(
            unsafeSQL: """
                UPDATE tenants SET name = $2, disabled = $3, quota_limit = $4, quota_period = $5, updated_at = $6, default_channel = $7,
                    events_url = $8, events_secret = $9, events_secret_previous = $10, events_secret_previous_expires_at = $11,
                    weight = $12, webhook_secret = $13, webhook_secret_previous = $14, webhook_secret_previous_expires_at = $15,
                    webhook_signed_with_server_secret = $16
                WHERE id = $1 RETURNING id
                """,
            binds: Self.bindings(tenant, secrets: secrets, columns: [
                .id, .name, .disabled, .quotaLimit, .quotaPeriod, .updatedAt, .defaultChannel,
                .eventsURL, .eventsSecret, .previousEventsSecret, .previousEventsSecretExpiresAt, .weight,
                .webhookSecret, .previousWebhookSecret, .previousWebhookSecretExpiresAt, .webhookSignedWithServerSecret,
            ])
        ))
        guard !rows.isEmpty else { throw StoreError.notFound }
    }

    public func quotaUsed(tenant: TenantID, period: Quota.Period, periodStart: Date) async throws -> Int {
        let rows = try await query(PostgresQuery(
            unsafeSQL: "SELECT used FROM quota_usage WHERE tenant_id = $1 AND period = $2 AND period_start = $3",
            binds: Self.binds(tenant.rawValue, period.rawValue, periodStart.millis)
        ))
        return Int(try rows.first?.decode(Int64.self) ?? 0)
    }

    private static let tenantColumns = """
        id, name, disabled, quota_limit, quota_period, created_at, updated_at, default_channel,
        events_url, events_secret, events_secret_previous, events_secret_previous_expires_at, weight,
        webhook_secret, webhook_secret_previous, webhook_secret_previous_expires_at, webhook_signed_with_server_secret
        """

    private enum Column: CaseIterable {
        case id, name, disabled, quotaLimit, quotaPeriod, createdAt, updatedAt, defaultChannel
        case eventsURL, eventsSecret, previousEventsSecret, previousEventsSecretExpiresAt
        case weight
        case webhookSecret, previousWebhookSecret, previousWebhookSecretExpiresAt, webhookSignedWithServerSecret
    }

    /// A tenant's values for `columns`, in that order ($1, $2, …).
    private static func bindings(_ tenant: Tenant, secrets: SecretBox?, columns: [Column] = Column.allCases) -> PostgresBindings {
        var bindings = PostgresBindings(capacity: columns.count)
        for column in columns {
            switch column {
            case .id: bindings.append(tenant.id.rawValue)
            case .name: bindings.append(tenant.name)
            case .disabled: bindings.append(tenant.disabled)
            case .quotaLimit: bindings.append(tenant.quota.map { Int64($0.limit) })
            case .quotaPeriod: bindings.append(tenant.quota?.period.rawValue)
            case .createdAt: bindings.append(tenant.createdAt.millis)
            case .updatedAt: bindings.append(tenant.updatedAt.millis)
            case .defaultChannel: bindings.append(tenant.defaultChannel)
            case .eventsURL: bindings.append(tenant.eventsURL)
            case .eventsSecret: bindings.append(secrets.seal(tenant.eventsSecret))
            case .previousEventsSecret: bindings.append(secrets.seal(tenant.previousEventsSecret))
            case .previousEventsSecretExpiresAt: bindings.append(tenant.previousEventsSecretExpiresAt?.millis)
            case .weight: bindings.append(Int64(tenant.weight))
            case .webhookSecret: bindings.append(secrets.seal(tenant.webhookSecret))
            case .previousWebhookSecret: bindings.append(secrets.seal(tenant.previousWebhookSecret))
            case .previousWebhookSecretExpiresAt: bindings.append(tenant.previousWebhookSecretExpiresAt?.millis)
            case .webhookSignedWithServerSecret: bindings.append(tenant.webhookSignedWithServerSecret)
            }
        }
        return bindings
    }

    /// The events and webhook signing secrets are sealed.
    private static func tenant(_ row: PostgresRow, _ secrets: SecretBox?) throws -> Tenant {
        let (id, name, disabled, limit, periodText, createdAt, updatedAt, defaultChannel, eventsURL, eventsSecret, previousSecret, previousExpiresAt) =
            try row.decode((String, String, Bool, Int64?, String?, Int64, Int64, String?, String?, String?, String?, Int64?).self)
        var quota: Quota?
        if let limit, let periodText {
            guard let period = Quota.Period(rawValue: periodText) else { throw StoreError.corrupt("unknown quota period \(periodText)") }
            quota = Quota(limit: Int(limit), period: period)
        }
        var tenant = Tenant(
            id: TenantID(id), name: name, disabled: disabled, quota: quota, defaultChannel: defaultChannel,
            eventsURL: eventsURL, eventsSecret: try secrets.open(eventsSecret), createdAt: Date(millis: createdAt), updatedAt: Date(millis: updatedAt)
        )
        tenant.previousEventsSecret = try secrets.open(previousSecret)
        tenant.previousEventsSecretExpiresAt = Date(millis: previousExpiresAt)
        let cells = row.makeRandomAccess()
        tenant.weight = Int(try cells[12].decode(Int64.self))
        tenant.webhookSecret = try secrets.open(try cells[13].decode(String?.self))
        tenant.previousWebhookSecret = try secrets.open(try cells[14].decode(String?.self))
        tenant.previousWebhookSecretExpiresAt = Date(millis: try cells[15].decode(Int64?.self))
        tenant.webhookSignedWithServerSecret = try cells[16].decode(Bool.self)
        return tenant
    }
}
