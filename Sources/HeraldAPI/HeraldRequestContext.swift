public import Hummingbird
import HeraldCore

/// The per-request context: Hummingbird's core storage plus the tenant the API key belongs to.
public struct HeraldRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by the API-key middleware; `nil` on unauthenticated routes.
    public var principal: Principal?

    public init(source: Source) {
        coreContext = .init(source: source)
    }

    /// The tenant whose key made the request.
    /// - Throws: ``APIError`` 401 without a key, 403 for the admin key.
    func requireTenant() throws -> TenantID {
        switch principal {
        case .tenant(let id)?: return id
        case .admin?: throw APIError.tenantKeyNeeded
        case nil: throw APIError.unauthorized
        }
    }

    /// Passes only for the administrator's key.
    /// - Throws: ``APIError`` 401 without a key, 403 for a tenant's key.
    func requireAdmin() throws {
        switch principal {
        case .admin?: return
        case .tenant?: throw APIError.adminKeyNeeded
        case nil: throw APIError.unauthorized
        }
    }
}
