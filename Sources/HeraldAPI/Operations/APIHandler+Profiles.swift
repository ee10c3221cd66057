import HTTPTypes
import Logging
import HeraldCore
import HeraldStore

/// `/api/v1/tenants/{tenant}/profiles…`: a tenant's sender profiles. Reading needs the admin key
/// or the tenant's own key; creating, changing and deleting need the admin key, so a leaked
/// sending key cannot point a profile elsewhere. Credentials are write-only: answers show a
/// masked hint.
extension APIHandler {
    func createProfile(_ input: Operations.CreateProfile.Input) async throws -> Operations.CreateProfile.Output {
        try Caller.requireAdmin()
        let tenant = try await dependencies.tenant(id: input.path.tenant)
        let request = switch input.body { case .json(let body): ProfileRequest(body.object, creating: true) }
        let channel = try channel(named: request.channel, problems: request.problems)
        let config = request.config ?? [:]
        try check(request.problems + channel.checkProfile(config))
        let now = dependencies.clock.now()
        let profile = SenderProfile(
            id: .generate(at: now), tenantID: tenant.id, name: request.name ?? "", channel: channel.name, config: config,
            outletIDs: request.outletIDs ?? [], isDefault: request.isDefault ?? false, dryRun: request.dryRun ?? false,
            createdAt: now, updatedAt: now
        )
        try await storing { try await dependencies.store.createProfile(profile) }
        dependencies.profiles.invalidate(tenant.id)
        dependencies.logger.info("sender profile created", metadata: ["tenant": "\(tenant.id)", "profile": "\(profile.name)", "channel": "\(profile.channel)"])
        return .created(.init(body: .json(.init(profile, channel: channel))))
    }

    func listProfiles(_ input: Operations.ListProfiles.Input) async throws -> Operations.ListProfiles.Output {
        let tenant = try await readableTenant(input.path.tenant)
        let profiles = try await dependencies.store.profiles(tenant: tenant)
        return .ok(.init(body: .json(.init(profiles: profiles.map { .init($0, channel: dependencies.channels[$0.channel]) }))))
    }

    func getProfile(_ input: Operations.GetProfile.Input) async throws -> Operations.GetProfile.Output {
        let profile = try await profile(named: input.path.profile, tenant: try await readableTenant(input.path.tenant))
        return .ok(.init(body: .json(.init(profile, channel: dependencies.channels[profile.channel]))))
    }

    func updateProfile(_ input: Operations.UpdateProfile.Input) async throws -> Operations.UpdateProfile.Output {
        try Caller.requireAdmin()
        var profile = try await profile(named: input.path.profile, tenant: TenantID(input.path.tenant))
        let request = switch input.body { case .json(let body): ProfileRequest(body.object, creating: false) }
        let channel = try channel(named: profile.channel, problems: request.problems)
        let config = request.merged(into: profile.config)
        try check(request.problems + channel.checkProfile(config))
        profile.config = config
        if let name = request.name { profile.name = name }
        if let outlets = request.outletIDs { profile.outletIDs = outlets }
        if let isDefault = request.isDefault { profile.isDefault = isDefault }
        if let dryRun = request.dryRun { profile.dryRun = dryRun }
        profile.updatedAt = dependencies.clock.now()
        try await storing { try await dependencies.store.updateProfile(profile) }
        dependencies.profiles.invalidate(profile.tenantID)
        return .ok(.init(body: .json(.init(profile, channel: channel))))
    }

    func deleteProfile(_ input: Operations.DeleteProfile.Input) async throws -> Operations.DeleteProfile.Output {
        try Caller.requireAdmin()
        let profile = try await profile(named: input.path.profile, tenant: TenantID(input.path.tenant))
        try await storing { try await dependencies.store.deleteProfile(id: profile.id) }
        dependencies.profiles.invalidate(profile.tenantID)
        return .noContent(.init())
    }

    func checkProfile(_ input: Operations.CheckProfile.Input) async throws -> Operations.CheckProfile.Output {
        let profile = try await profile(named: input.path.profile, tenant: try await readableTenant(input.path.tenant))
        guard let channel = dependencies.channels[profile.channel] else {
            throw APIError.invalidState("this server has no \(profile.channel) channel")
        }
        let check = await channel.checkCredentials(profile)
        return .ok(.init(body: .json(.init(
            profile: profile.name, channel: profile.channel, ok: check.ok, httpStatus: .init(check.httpStatus), detail: check.detail
        ))))
    }

    /// The tenant named in the path, when the caller may read it: the admin, or the tenant's own
    /// key (any other tenant gets 404, as if it did not exist).
    private func readableTenant(_ text: String) async throws -> TenantID {
        let id = TenantID(text)
        switch Caller.principal {
        case nil: throw APIError.unauthorized
        case .tenant(let own)? where own != id: throw APIError.notFound("no tenant \(id)")
        case .tenant?: return id
        case .admin?: return try await dependencies.tenant(id: text).id
        }
    }

    private func profile(named name: String, tenant: TenantID) async throws -> SenderProfile {
        guard let profile = try await dependencies.store.profiles(tenant: tenant).first(where: { $0.name == name }) else {
            throw APIError.notFound("tenant \(tenant) has no profile named \(name)")
        }
        return profile
    }

    private func channel(named name: String?, problems: [FieldProblem]) throws -> any DeliveryChannel {
        guard let name else { throw APIError.validation(problems) }
        guard let channel = dependencies.channels[name] else {
            throw APIError.validation(problems + [FieldProblem(
                field: "channel", code: "unknown_channel",
                problem: "unknown channel '\(name)'; known: \(dependencies.channels.names.joined(separator: ", "))"
            )])
        }
        return channel
    }

    private func check(_ problems: [FieldProblem]) throws {
        guard problems.isEmpty else { throw APIError.validation(problems) }
    }

    /// Runs a profile write, answering the store's rule conflicts with 409 and their reason.
    private func storing(_ write: () async throws -> Void) async throws {
        do {
            try await write()
        } catch let error as StoreError where error.isConflict {
            throw APIError(.conflict, code: "profile_conflict", message: error.message)
        } catch let error as StoreError where error.isNotFound {
            throw APIError.notFound("no such profile")
        }
    }
}

extension Components.Schemas.Profile {
    /// A profile as answered: every credential the channel names secret shown as a masked hint.
    init(_ profile: SenderProfile, channel: (any DeliveryChannel)?) {
        let secrets = channel?.secretProfileFields ?? []
        var config = profile.config
        for (key, value) in config where secrets.contains(key) {
            config[key] = .string(value.stringValue.map(SenderProfile.maskedHint) ?? "…")
        }
        self.init(
            id: profile.id.rawValue, tenantId: profile.tenantID.rawValue, name: profile.name, channel: profile.channel,
            config: .object(config), outletIds: profile.outletIDs, _default: profile.isDefault, dryRun: profile.dryRun,
            createdAt: profile.createdAt, updatedAt: profile.updatedAt
        )
    }
}
