import Foundation
import HeraldCore
import HeraldStore

/// Tenants and keys as the admin API shows them. A key's secret appears only in the answer
/// that created it.
enum TenantResponse {
    static func json(_ tenant: Tenant) -> JSONValue {
        .object([
            "id": .string(tenant.id.rawValue),
            "name": .string(tenant.name),
            "disabled": .bool(tenant.disabled),
            "status": .string(tenant.disabled ? "disabled" : "active"),
            "quota": tenant.quota.map(quota) ?? .null,
            "created_at": .timestamp(tenant.createdAt),
            "updated_at": .timestamp(tenant.updatedAt),
        ])
    }

    static func quota(_ quota: Quota) -> JSONValue {
        .object(["limit": .number(Double(quota.limit)), "period": .string(quota.period.rawValue)])
    }

    static func key(_ key: StoredAPIKey, secret: String? = nil) -> JSONValue {
        var fields: [String: JSONValue] = [
            "id": .string(key.id),
            "tenant_id": .string(key.tenantID.rawValue),
            "name": .optional(key.name),
            "prefix": .string(key.prefix),
            "created_at": .timestamp(key.createdAt),
            "revoked_at": .timestamp(key.revokedAt),
            "status": .string(key.revokedAt == nil ? "active" : "revoked"),
        ]
        if let secret { fields["key"] = .string(secret) }
        return .object(fields)
    }
}
