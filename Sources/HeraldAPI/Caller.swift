import HeraldCore

/// Who the current request acts for. ``APIKeyMiddleware`` binds it for the request's task, so
/// every handler reads it the same way, including those of the generated interface, which see
/// no Hummingbird context.
enum Caller {
    @TaskLocal static var principal: Principal?

    /// The tenant whose key made the request.
    /// - Throws: ``APIError`` 401 without a key, 403 for the admin key.
    static func requireTenant() throws -> TenantID {
        switch principal {
        case .tenant(let id)?: return id
        case .admin?: throw APIError.tenantKeyNeeded
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
