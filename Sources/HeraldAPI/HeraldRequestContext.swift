public import Hummingbird
public import HeraldCore

/// The per-request context: Hummingbird's core storage plus the tenant the API key belongs to.
public struct HeraldRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by the API-key middleware; `nil` on unauthenticated routes.
    public var tenantID: TenantID?

    public init(source: Source) {
        coreContext = .init(source: source)
    }

    /// The authenticated tenant.
    /// - Throws: ``APIError`` 401 when the route was reached without a key.
    func requireTenant() throws -> TenantID {
        guard let tenantID else { throw APIError.unauthorized }
        return tenantID
    }
}
