public import HeraldCore

/// Tenants' sender profiles. The store keeps their rules across processes: a name once per
/// tenant, one default per tenant and channel, an outlet bound to at most one profile per channel,
/// and no deleting a profile that messages waiting to be sent still use.
public protocol ProfileStore: Sendable {
    /// Stores a new profile.
    /// - Throws: ``StoreError/conflict(_:)`` naming the rule it breaks.
    func createProfile(_ profile: SenderProfile) async throws

    /// One profile, whatever its tenant (the dispatcher reads it by the id a message stores).
    func profile(id: ProfileID) async throws -> SenderProfile?

    /// A tenant's profiles, by name.
    func profiles(tenant: TenantID) async throws -> [SenderProfile]

    /// Every tenant's profiles of one channel (provider callbacks find their secrets here).
    func profiles(channel: String) async throws -> [SenderProfile]

    /// Replaces a profile's settings (its id, tenant and creation time stay).
    /// - Throws: ``StoreError/notFound`` or ``StoreError/conflict(_:)`` naming the rule it breaks.
    func updateProfile(_ profile: SenderProfile) async throws

    /// Deletes a profile no scheduled, queued or sending message uses.
    /// - Throws: ``StoreError/notFound``, or ``StoreError/conflict(_:)`` while messages still use it.
    func deleteProfile(id: ProfileID) async throws
}

/// The conflicts profile stores report, worded once for every driver.
package enum ProfileConflict {
    package static func name(_ profile: SenderProfile) -> StoreError {
        .conflict("tenant \(profile.tenantID) already has a profile named \(profile.name)")
    }

    package static func defaultTaken(_ profile: SenderProfile, by other: String) -> StoreError {
        .conflict("profile \(other) is already the default for \(profile.channel); unset it first")
    }

    package static func outletTaken(_ outlet: String, channel: String, by other: String) -> StoreError {
        .conflict("outlet \(outlet) is already bound to profile \(other) for \(channel)")
    }

    package static func inUse(_ id: ProfileID, messages: Int) -> StoreError {
        .conflict("profile \(id) is used by \(messages) message\(messages == 1 ? "" : "s") waiting to be sent; cancel them or wait")
    }

    /// The first rule `profile` breaks against the tenant's `others`, if any.
    package static func check(_ profile: SenderProfile, against others: [SenderProfile]) -> StoreError? {
        for other in others where other.id != profile.id {
            if other.name == profile.name { return name(profile) }
            guard other.channel == profile.channel else { continue }
            if profile.isDefault && other.isDefault { return defaultTaken(profile, by: other.name) }
            if let outlet = profile.outletIDs.first(where: other.outletIDs.contains) {
                return outletTaken(outlet, channel: profile.channel, by: other.name)
            }
        }
        return nil
    }
}

extension MessageStatus {
    /// The statuses of messages that will still be sent, so need their profile.
    package static let awaitingSend: [MessageStatus] = [.scheduled, .queued, .sending]

    /// ``awaitingSend`` as an SQL list, in the order the `messages_profile_waiting` index names
    /// them (so the planner matches the index's predicate).
    package static let awaitingSendSQL = awaitingSend.map { "'\($0.rawValue)'" }.joined(separator: ", ")
}
