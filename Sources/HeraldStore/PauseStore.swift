public import Foundation
public import HeraldCore

/// Stored pauses of dispatching: the whole server's, and each tenant's own. Stored, so a pause
/// holds in every process on one database and across restarts.
public protocol PauseStore: Sendable {
    /// Every pause in force.
    func dispatchPauses() async throws -> DispatchPauses

    /// Pauses (`paused` true) or resumes `scope`.
    /// - Returns: whether that changed anything (`false`: it was already so).
    func setPaused(_ paused: Bool, scope: PauseScope, now: Date) async throws -> Bool
}

/// What one pause stops: the whole server, or one tenant's dispatching.
public enum PauseScope: Sendable, Hashable {
    case server
    case tenant(TenantID)

    /// How the scope is stored: `*` for the server (no tenant id can be `*`), else the tenant id.
    public var storedKey: String {
        switch self {
        case .server: "*"
        case .tenant(let id): id.rawValue
        }
    }

    public init(storedKey: String) {
        self = storedKey == "*" ? .server : .tenant(TenantID(storedKey))
    }
}

/// The pauses in force: a tenant's messages are dispatched only when neither it nor the server
/// is paused.
public struct DispatchPauses: Sendable, Hashable {
    public var server: Bool
    public var tenants: Set<TenantID>

    public init(server: Bool = false, tenants: Set<TenantID> = []) {
        self.server = server
        self.tenants = tenants
    }

    public init(scopes: some Sequence<PauseScope>) {
        self.init()
        for scope in scopes {
            switch scope {
            case .server: server = true
            case .tenant(let id): tenants.insert(id)
            }
        }
    }

    /// Pauses or resumes `scope`.
    public mutating func set(_ paused: Bool, _ scope: PauseScope) {
        switch (scope, paused) {
        case (.server, _): server = paused
        case (.tenant(let id), true): tenants.insert(id)
        case (.tenant(let id), false): tenants.remove(id)
        }
    }

    /// Whether `tenant`'s messages wait: it or the server is paused.
    public func holds(_ tenant: TenantID) -> Bool {
        server || tenants.contains(tenant)
    }
}
