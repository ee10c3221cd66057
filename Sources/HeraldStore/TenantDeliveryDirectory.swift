public import Foundation
public import HeraldCore

/// How each tenant's deliveries are signed and where its status events go: which tenants take
/// events, their URLs and events secrets, and the secrets each tenant's webhooks are signed
/// with. Read from the store at most once per ``ttl`` (all tenants in one read, by one caller
/// while the others go on with what was read before), so raising events and signing messages
/// costs no read per message. Changes made through this process apply at once
/// (``invalidate()``); changes made by another process within ``ttl``. When a read fails, the
/// last one read is used, so a passing database hiccup loses no event.
public final class TenantDeliveryDirectory: Sendable {
    private struct Snapshot: Sendable {
        var tenants: [TenantID: Tenant]
        var subscriptions: EventSubscriptions
    }

    private let snapshot: SharedSnapshot<Snapshot>

    /// How long a read is trusted.
    public var ttl: Duration { snapshot.ttl }

    public init(store: any TenantStore, ttl: Duration = .seconds(1)) {
        snapshot = SharedSnapshot(ttl: ttl) {
            let all = try await store.listTenants()
            let tenants = Dictionary(all.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            return Snapshot(tenants: tenants, subscriptions: EventSubscriptions(urls: tenants.compactMapValues(\.eventsURL)))
        }
    }

    /// The tenants that take events and their URLs, for raising events.
    /// - Throws: only when the store has never been read.
    public func subscriptions() async throws -> EventSubscriptions {
        try await snapshot.current().subscriptions
    }

    /// Where `tenant`'s events go at `now`, and their secrets; `nil` when it takes none.
    public func endpoint(for tenant: TenantID, at now: Date) async throws -> EventEndpoint? {
        try await snapshot.current().tenants[tenant]?.eventEndpoint(at: now)
    }

    /// The secrets `tenant`'s webhooks are signed with at `now` (``Tenant/webhookSecrets(at:serverSecret:)``);
    /// `nil` for a tenant without secrets of its own.
    public func webhookSecrets(for tenant: TenantID, at now: Date, serverSecret: String?) async throws -> [String]? {
        try await snapshot.current().tenants[tenant]?.webhookSecrets(at: now, serverSecret: serverSecret)
    }

    /// Makes the next use read again, after a tenant's events or webhook settings changed.
    public func invalidate() {
        snapshot.invalidate()
    }
}
