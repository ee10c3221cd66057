import HTTPTypes
import HeraldCore
import HeraldStore
import Logging

/// `/api/v1/tenants…` (admin key): create, list, read, update, disable and enable tenants,
/// set where their status events go, rotate the secrets their events and webhooks are signed
/// with; `GET …/quota` is open to the tenant's own keys too.
extension APIHandler {
    func createTenant(_ input: Operations.CreateTenant.Input) async throws -> Operations.CreateTenant.Output {
        try Caller.requireAdmin()
        let request = switch input.body { case .json(let body): body.request }
        let now = dependencies.clock.now()
        let id = TenantID(request.id ?? "")
        try checkChannel(request.defaultChannel ?? nil)
        var tenant = Tenant(
            id: id, name: request.name ?? id.rawValue, disabled: request.disabled ?? false,
            quota: request.quota ?? nil, defaultChannel: request.defaultChannel ?? nil, createdAt: now, updatedAt: now
        )
        tenant.weight = request.weight ?? Tenant.defaultWeight
        // Its webhooks are signed with a secret of its own, shown in this answer only.
        let webhookSecret = SigningSecret.generate()
        tenant.webhookSecret = webhookSecret
        var newSecret: String?
        if let url = request.eventsURL { newSecret = tenant.setEventsURL(try checkEventsURL(url)) }
        do {
            try await dependencies.store.createTenant(tenant)
        } catch let error as StoreError where error.isConflict {
            throw APIError(.conflict, code: "tenant_exists", message: "a tenant with id \(id) already exists")
        }
        dependencies.tenants.invalidate(id)
        dependencies.events.invalidate()
        var answer = Components.Schemas.Tenant(tenant, newEventsSecret: newSecret)
        answer.webhookSecret = webhookSecret
        return .created(.init(body: .json(answer)))
    }

    func updateTenant(_ input: Operations.UpdateTenant.Input) async throws -> Operations.UpdateTenant.Output {
        try Caller.requireAdmin()
        var tenant = try await dependencies.tenant(id: input.path.tenant)
        let request = switch input.body { case .json(let body): body.request }
        if let name = request.name { tenant.name = name }
        if let disabled = request.disabled { tenant.disabled = disabled }
        if let quota = request.quota { tenant.quota = quota }
        if let weight = request.weight { tenant.weight = weight }
        if let channel = request.defaultChannel {
            try checkChannel(channel)
            tenant.defaultChannel = channel
        }
        var newSecret: String?
        if let url = request.eventsURL { newSecret = tenant.setEventsURL(try checkEventsURL(url)) }
        return .ok(.init(body: .json(.init(try await save(tenant), newEventsSecret: newSecret))))
    }

    /// An events URL naming a refused literal address answers 422 `address_not_allowed`.
    private func checkEventsURL(_ url: String?) throws -> String? {
        if let url, let problem = dependencies.outbound.problem(field: "events_url", url: url) {
            throw APIError.validation([problem])
        }
        return url
    }

    func rotateEventsSecret(_ input: Operations.RotateEventsSecret.Input) async throws -> Operations.RotateEventsSecret.Output {
        try Caller.requireAdmin()
        var tenant = try await dependencies.tenant(id: input.path.tenant)
        let now = dependencies.clock.now()
        let secret = tenant.rotateEventsSecret(at: now, overlap: dependencies.limits.eventsSecretOverlap)
        tenant = try await save(tenant)
        dependencies.logger.notice("events secret rotated", metadata: ["tenant": "\(tenant.id)"])
        return .ok(.init(body: .json(.init(
            tenantId: tenant.id.rawValue, eventsSecret: secret, previousSecretExpiresAt: .init(tenant.previousEventsSecretExpiresAt)
        ))))
    }

    func rotateWebhookSecret(_ input: Operations.RotateWebhookSecret.Input) async throws -> Operations.RotateWebhookSecret.Output {
        try Caller.requireAdmin()
        guard input.path.tenant != TenantID.default.rawValue else {
            throw APIError(
                .conflict, code: "secret_configured",
                message: "the default tenant's webhooks are signed with webhook.secret (HERALD_WEBHOOK_SECRET): change it there, "
                    + "and set webhook.previous_secret to the old one for the overlap"
            )
        }
        var tenant = try await dependencies.tenant(id: input.path.tenant)
        let now = dependencies.clock.now()
        let secret = tenant.rotateWebhookSecret(at: now, overlap: dependencies.limits.webhookSecretOverlap, serverSecret: dependencies.serverWebhookSecret)
        tenant = try await save(tenant)
        dependencies.logger.notice("webhook secret rotated", metadata: ["tenant": "\(tenant.id)"])
        return .ok(.init(body: .json(.init(
            tenantId: tenant.id.rawValue, webhookSecret: secret, previousSecretExpiresAt: .init(tenant.previousWebhookSecretExpiresAt)
        ))))
    }

    func listTenants(_ input: Operations.ListTenants.Input) async throws -> Operations.ListTenants.Output {
        try Caller.requireAdmin()
        let tenants = try await dependencies.store.listTenants()
        return .ok(.init(body: .json(.init(tenants: tenants.map { Components.Schemas.Tenant($0) }))))
    }

    func getTenant(_ input: Operations.GetTenant.Input) async throws -> Operations.GetTenant.Output {
        try Caller.requireAdmin()
        return .ok(.init(body: .json(.init(try await dependencies.tenant(id: input.path.tenant)))))
    }

    func disableTenant(_ input: Operations.DisableTenant.Input) async throws -> Operations.DisableTenant.Output {
        .ok(.init(body: .json(.init(try await setDisabled(true, tenant: input.path.tenant)))))
    }

    func enableTenant(_ input: Operations.EnableTenant.Input) async throws -> Operations.EnableTenant.Output {
        .ok(.init(body: .json(.init(try await setDisabled(false, tenant: input.path.tenant)))))
    }

    func getTenantQuota(_ input: Operations.GetTenantQuota.Input) async throws -> Operations.GetTenantQuota.Output {
        let id = TenantID(input.path.tenant)
        switch Caller.principal {
        case nil: throw APIError.unauthorized
        // A tenant may read its own quota; any other tenant gets 404, as if it did not exist.
        case .tenant(let own)? where own != id: throw APIError.notFound("no tenant \(id)")
        case .tenant?, .admin?: break
        }
        let tenant = try await dependencies.tenant(id: id.rawValue)
        let now = dependencies.clock.now()
        let quota = tenant.quota ?? Quota(limit: 0, period: .month)
        let start = quota.periodStart(containing: now)
        let used = try await dependencies.store.quotaUsed(tenant: id, period: quota.period, periodStart: start)
        return .ok(.init(body: .json(.init(
            tenantId: id.rawValue,
            limit: .init(tenant.quota?.limit),
            period: .init(quota.period),
            used: used,
            remaining: .init(tenant.quota.map { max(0, $0.limit - used) }),
            periodStart: start,
            resetsAt: quota.nextPeriodStart(after: now)
        ))))
    }

    /// A tenant's default channel must be one this server has.
    private func checkChannel(_ name: String?) throws {
        guard let name, dependencies.channels[name] == nil else { return }
        throw APIError.validation([FieldProblem(
            field: "default_channel", code: "unknown_channel",
            problem: "unknown channel '\(name)'; known: \(dependencies.channels.names.joined(separator: ", "))"
        )])
    }

    private func setDisabled(_ disabled: Bool, tenant id: String) async throws -> Tenant {
        try Caller.requireAdmin()
        var tenant = try await dependencies.tenant(id: id)
        tenant.disabled = disabled
        return try await save(tenant)
    }

    private func save(_ tenant: Tenant) async throws -> Tenant {
        var tenant = tenant
        tenant.updatedAt = dependencies.clock.now()
        try await dependencies.store.updateTenant(tenant)
        dependencies.tenants.invalidate(tenant.id)
        dependencies.events.invalidate()
        return tenant
    }
}

extension Components.Schemas.Tenant {
    /// - Parameter newEventsSecret: the events secret this request made, shown this once.
    init(_ tenant: Tenant, newEventsSecret: String? = nil) {
        self.init(
            id: tenant.id.rawValue,
            name: tenant.name,
            disabled: tenant.disabled,
            status: tenant.disabled ? .disabled : .active,
            quota: .init(tenant.quota.map(QuotaSetting.init)),
            weight: tenant.weight,
            defaultChannel: .init(tenant.defaultChannel),
            eventsUrl: .init(tenant.eventsURL),
            eventsSecret: newEventsSecret,
            createdAt: tenant.createdAt,
            updatedAt: tenant.updatedAt
        )
    }
}

extension Components.Schemas.QuotaUsage.PeriodPayload {
    init(_ period: Quota.Period) {
        self = switch period {
        case .day: .day
        case .month: .month
        }
    }
}
