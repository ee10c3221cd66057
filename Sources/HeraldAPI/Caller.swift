import HeraldCore
import HeraldStore

/// Who the current request acts for. ``APIKeyMiddleware`` binds it for the request's task, so
/// every handler reads it the same way, including those of the generated interface, which see
/// no Hummingbird context.
enum Caller {
    @TaskLocal static var principal: Principal?
    /// The peer's address, bound only for a keyless request to `/metrics`.
    @TaskLocal static var peer: IPAddress?

    /// The tenant whose key made the request.
    /// - Throws: ``APIError`` 401 without a key, 403 for the admin key.
    static func requireTenant() throws -> TenantID {
        switch principal {
        case .tenant(let id)?: return id
        case .admin?: throw APIError.tenantKeyNeeded
        case nil: throw APIError.unauthorized
        }
    }

    /// What the caller's pause and resume act on: its own tenant, or (the admin key) the server.
    /// - Throws: ``APIError`` 401 without a key.
    static func pauseScope() throws -> PauseScope {
        switch principal {
        case .tenant(let id)?: return .tenant(id)
        case .admin?: return .server
        case nil: throw APIError.unauthorized
        }
    }

    /// The tenant whose key made the request, or `nil` for the admin key (every tenant).
    /// - Throws: ``APIError`` 401 without a key.
    static func tenantOrAdmin() throws -> TenantID? {
        switch principal {
        case .tenant(let id)?: return id
        case .admin?: return nil
        case nil: throw APIError.unauthorized
        }
    }

    /// Passes only for the administrator's key.
    /// - Throws: ``APIError`` 401 without a key, 403 for a tenant's key.
    static func requireAdmin() throws {
        switch principal {
        case .admin?: return
        case .tenant?: throw APIError.adminKeyNeeded
        case nil: throw APIError.unauthorized
        }
    }
}
