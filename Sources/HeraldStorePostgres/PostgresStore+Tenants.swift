public import Foundation
public import HeraldCore
import HeraldStore
import PostgresNIO

extension PostgresStore {
    public func createTenant(_ tenant: Tenant) async throws {
        let rows = try await query(PostgresQuery(
            unsafeSQL: """
                INSERT INTO tenants (id, name, disabled, quota_limit, quota_period, created_at, updated_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING RETURNING id
                """,
            binds: Self.bindings(tenant)
        ))
        guard !rows.isEmpty else { throw StoreError.conflict("tenant \(tenant.id) exists") }
    }

    public func tenant(id: TenantID) async throws -> Tenant? {
        try await query(PostgresQuery(
            unsafeSQL: "SELECT \(Self.tenantColumns) FROM tenants WHERE id = $1", binds: Self.binds(id.rawValue)
        )).first.map(Self.tenant)
    }

    public func listTenants() async throws -> [Tenant] {
        try await query("SELECT id, name, disabled, quota_limit, quota_period, created_at, updated_at FROM tenants ORDER BY id")
            .map(Self.tenant)
    }

    public func updateTenant(_ tenant: Tenant) async throws {
        let rows = try await query(PostgresQuery(
            unsafeSQL: """
                UPDATE tenants SET name = $2, disabled = $3, quota_limit = $4, quota_period = $5, updated_at = $7
                WHERE id = $1 AND $6::int8 IS NOT NULL RETURNING id
                """,
            binds: Self.bindings(tenant)
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

    private static let tenantColumns = "id, name, disabled, quota_limit, quota_period, created_at, updated_at"

    /// $1 id, $2 name, $3 disabled, $4 quota limit, $5 quota period, $6 created, $7 updated.
    private static func bindings(_ tenant: Tenant) -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 7)
        bindings.append(tenant.id.rawValue)
        bindings.append(tenant.name)
        bindings.append(tenant.disabled)
        bindings.append(tenant.quota.map { Int64($0.limit) })
        bindings.append(tenant.quota?.period.rawValue)
        bindings.append(tenant.createdAt.millis)
        bindings.append(tenant.updatedAt.millis)
        return bindings
    }

    private static func tenant(_ row: PostgresRow) throws -> Tenant {
        let (id, name, disabled, limit, periodText, createdAt, updatedAt) = try row.decode(
            (String, String, Bool, Int64?, String?, Int64, Int64).self
        )
        var quota: Quota?
        if let limit, let periodText {
            guard let period = Quota.Period(rawValue: periodText) else { throw StoreError.corrupt("unknown quota period \(periodText)") }
            quota = Quota(limit: Int(limit), period: period)
        }
        return Tenant(
            id: TenantID(id), name: name, disabled: disabled, quota: quota,
            createdAt: Date(millis: createdAt), updatedAt: Date(millis: updatedAt)
        )
    }
}
