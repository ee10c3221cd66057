public import Foundation
public import HeraldCore

/// Tenants, their keys and their quota usage.
public protocol TenantStore: Sendable {
    /// Stores a new tenant.
    /// - Throws: ``StoreError/conflict(_:)`` when the id is taken.
    func createTenant(_ tenant: Tenant) async throws
    func tenant(id: TenantID) async throws -> Tenant?
    /// Every tenant, by id.
    func listTenants() async throws -> [Tenant]
    /// Replaces a tenant's name, status and quota.
    /// - Throws: ``StoreError/notFound`` when there is no such tenant.
    func updateTenant(_ tenant: Tenant) async throws

    /// A tenant's keys, revoked ones included, oldest first.
    func apiKeys(tenant: TenantID) async throws -> [StoredAPIKey]
    /// Revokes a key of `tenant`.
    /// - Returns: `false` when the tenant has no such active key.
    func revokeAPIKey(id: String, tenant: TenantID, now: Date) async throws -> Bool

    /// Messages `tenant` had accepted in the `period` starting at `periodStart` (counted for
    /// every tenant, quota or not, so a quota set mid-period starts from the truth).
    func quotaUsed(tenant: TenantID, period: Quota.Period, periodStart: Date) async throws -> Int
}
