import HTTPTypes
import HeraldCore
import Hummingbird

/// Finds who a request acts for from its API key (`Authorization: Bearer …` or `X-API-Key`):
/// a tenant or the administrator, bound to ``Caller`` for the request. A request without a
/// valid key is answered 401 at once — before its body is read or judged — except on the open
/// paths: `/health`, the documentation, and the provider callbacks (signed, not keyed); `/metrics`
/// goes on with the peer's address, for its handler to judge.
struct APIKeyMiddleware: RouterMiddleware {
    typealias Context = HeraldRequestContext
    let authenticator: APIKeyAuthenticator

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let key = Self.presentedKey(request.headers), let principal = try await authenticator.principal(forKey: key) else {
            let path = request.uri.path
            if path == "/metrics" {
                // Its handler decides: the peer may be on a network allowed to read it.
                return try await Caller.$peer.withValue(context.remoteAddress?.ipAddress.flatMap(IPAddress.init)) {
                    try await next(request, context)
                }
            }
            guard Self.isOpen(path) else { throw Self.isAdminOnly(path) ? APIError.unknownKeyOnAdminRoute : APIError.unauthorized }
            return try await next(request, context)
        }
        return try await Caller.$principal.withValue(principal) { try await next(request, context) }
    }

    /// The key from `Authorization: Bearer <key>` (scheme in any case, blanks around the key
    /// ignored) or, without that header, from `X-API-Key`.
    static func presentedKey(_ headers: HTTPFields) -> String? {
        if let authorization = headers[.authorization] {
            let parts = authorization.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
            // Trimmed by hand: Foundation's trimmingCharacters took 3% of an ingest request's CPU time.
            var key = parts[1]
            while key.first == " " || key.first == "\t" { key.removeFirst() }
            while key.last == " " || key.last == "\t" { key.removeLast() }
            return String(key)
        }
        return headers[apiKeyHeader]
    }

    /// Paths only the admin key may use: tenants, their keys and their sender profiles.
    static func isAdminOnly(_ path: String) -> Bool {
        path == "/api/v1/tenants" || path.hasPrefix("/api/v1/tenants/")
    }

    /// Paths answered without a key.
    static func isOpen(_ path: String) -> Bool {
        openPaths.contains(path) || path.hasPrefix("/api/v1/callbacks/")
    }

    private static let openPaths: Set<String> = ["/health", "/openapi.json", "/openapi.yaml", "/docs"]

    private static let apiKeyHeader = HTTPField.Name("x-api-key")!
}
