import Synchronization
public import HeraldCore

extension InMemoryStore {
    public func createProfile(_ profile: SenderProfile) async throws {
        try state.withLock { state in
            if let conflict = ProfileConflict.check(profile, against: state.profiles(of: profile.tenantID)) { throw conflict }
            state.profiles[profile.id] = profile
        }
    }

    public func profile(id: ProfileID) async throws -> SenderProfile? {
        state.withLock { $0.profiles[id] }
    }

    public func profiles(tenant: TenantID) async throws -> [SenderProfile] {
        state.withLock { $0.profiles(of: tenant) }
    }

    public func profiles(channel: String) async throws -> [SenderProfile] {
        state.withLock { $0.profiles.values.filter { $0.channel == channel }.sorted { $0.id < $1.id } }
    }

    public func updateProfile(_ profile: SenderProfile) async throws {
        try state.withLock { state in
            guard state.profiles[profile.id] != nil else { throw StoreError.notFound }
            if let conflict = ProfileConflict.check(profile, against: state.profiles(of: profile.tenantID)) { throw conflict }
            state.profiles[profile.id] = profile
        }
    }

    public func deleteProfile(id: ProfileID) async throws {
        try state.withLock { state in
            guard state.profiles[id] != nil else { throw StoreError.notFound }
            let users = state.messages.values.count { $0.profileID == id && MessageStatus.awaitingSend.contains($0.status) }
            guard users == 0 else { throw ProfileConflict.inUse(id, messages: users) }
            state.profiles[id] = nil
        }
    }
}

extension InMemoryStore.State {
    func profiles(of tenant: TenantID) -> [SenderProfile] {
        profiles.values.filter { $0.tenantID == tenant }.sorted { $0.name < $1.name }
    }
}
