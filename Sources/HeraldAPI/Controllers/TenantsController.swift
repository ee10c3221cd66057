import Foundation
import Hummingbird
import HeraldCore
import HeraldStore

/// `/api/v1/tenants…` (admin key): create, list, read, update, disable and enable tenants;
/// `GET …/quota` is open to the tenant's own keys too.
struct TenantsController {
    let dependencies: APIDependencies

    func register(on group: RouterGroup<HeraldRequestContext>) {
        group.post("tenants", use: create)
        group.get("tenants", use: list)
        group.get("tenants/:tenant", use: show)
        group.patch("tenants/:tenant", use: update)
        group.post("tenants/:tenant/disable") { request, context in try await setDisabled(true, context) }
        group.post("tenants/:tenant/enable") { request, context in try await setDisabled(false, context) }
        group.get("tenants/:tenant/quota", use: quota)
    }

    @Sendable func create(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        try context.requireAdmin()
        let body = try TenantRequest(try await RequestDecoding.jsonObject(from: request, limit: dependencies.limits.maxBodyBytes), creating: true)
        let now = dependencies.clock.now()
        let id = TenantID(body.id ?? "")
        let tenant = Tenant(id: id, name: body.name ?? id.rawValue, disabled: body.disabled ?? false, quota: body.quota ?? nil, createdAt: now, updatedAt: now)
        do {
            try await dependencies.store.createTenant(tenant)
        } catch let error as StoreError where error.isConflict {
            throw APIError(.conflict, code: "tenant_exists", message: "a tenant with id \(id) already exists")
        }
        dependencies.tenants.invalidate(id)
        return JSONResponse.make(status: .created, json: TenantResponse.json(tenant))
    }

    @Sendable func list(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        try context.requireAdmin()
        let tenants = try await dependencies.store.listTenants()
        return JSONResponse.make(status: .ok, json: .object(["tenants": .array(tenants.map(TenantResponse.json))]))
    }

    @Sendable func show(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        try context.requireAdmin()
        return JSONResponse.make(status: .ok, json: TenantResponse.json(try await dependencies.tenant(in: context)))
    }

    @Sendable func update(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        try context.requireAdmin()
        var tenant = try await dependencies.tenant(in: context)
        let body = try TenantRequest(try await RequestDecoding.jsonObject(from: request, limit: dependencies.limits.maxBodyBytes), creating: false)
        if let name = body.name { tenant.name = name }
        if let disabled = body.disabled { tenant.disabled = disabled }
        if let quota = body.quota { tenant.quota = quota }
        return try await save(tenant)
    }

    private func setDisabled(_ disabled: Bool, _ context: HeraldRequestContext) async throws -> Response {
        try context.requireAdmin()
        var tenant = try await dependencies.tenant(in: context)
        tenant.disabled = disabled
        return try await save(tenant)
    }

    @Sendable func quota(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let id = TenantID(context.parameters.get("tenant") ?? "")
        // A tenant may read its own quota; any other tenant gets 404, as if it did not exist.
        if case .tenant(let own)? = context.principal, own != id { throw APIError.notFound("no tenant \(id)") }
        if context.principal == nil { throw APIError.unauthorized }
        guard let tenant = try await dependencies.store.tenant(id: id) else { throw APIError.notFound("no tenant \(id)") }
        let now = dependencies.clock.now()
        let quota = tenant.quota ?? Quota(limit: 0, period: .month)
        let start = quota.periodStart(containing: now)
        let used = try await dependencies.store.quotaUsed(tenant: id, period: quota.period, periodStart: start)
        return JSONResponse.make(status: .ok, json: .object([
            "tenant_id": .string(id.rawValue),
            "limit": tenant.quota.map { .number(Double($0.limit)) } ?? .null,
            "period": .string(quota.period.rawValue),
            "used": .number(Double(used)),
            "remaining": tenant.quota.map { .number(Double(max(0, $0.limit - used))) } ?? .null,
            "period_start": .timestamp(start),
            "resets_at": .timestamp(quota.nextPeriodStart(after: now)),
        ]))
    }

    private func save(_ tenant: Tenant) async throws -> Response {
        var tenant = tenant
        tenant.updatedAt = dependencies.clock.now()
        try await dependencies.store.updateTenant(tenant)
        dependencies.tenants.invalidate(tenant.id)
        return JSONResponse.make(status: .ok, json: TenantResponse.json(tenant))
    }
}
