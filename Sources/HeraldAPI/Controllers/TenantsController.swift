import Foundation
import Hummingbird
import HeraldCore
import HeraldStore

/// `POST /api/v1/tenants` and `PATCH /api/v1/tenants/{id}` (admin key): create and change tenants.
struct TenantsController {
    let dependencies: APIDependencies

    func register(on group: RouterGroup<HeraldRequestContext>) {
        group.post("tenants", use: create)
        group.patch("tenants/:tenant", use: update)
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

    @Sendable func update(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        try context.requireAdmin()
        var tenant = try await dependencies.tenant(in: context)
        let body = try TenantRequest(try await RequestDecoding.jsonObject(from: request, limit: dependencies.limits.maxBodyBytes), creating: false)
        if let name = body.name { tenant.name = name }
        if let disabled = body.disabled { tenant.disabled = disabled }
        if let quota = body.quota { tenant.quota = quota }
        return try await save(tenant)
    }

    private func save(_ tenant: Tenant) async throws -> Response {
        var tenant = tenant
        tenant.updatedAt = dependencies.clock.now()
        try await dependencies.store.updateTenant(tenant)
        dependencies.tenants.invalidate(tenant.id)
        return JSONResponse.make(status: .ok, json: TenantResponse.json(tenant))
    }
}
