import HTTPTypes
import Hummingbird
import OpenAPIHummingbird
import OpenAPIRuntime

/// Registers the generated operations on the router, except those Herald serves with a route of
/// its own (``CreateMessageRoute``, ``CreateMessagesRoute``).
struct GeneratedRoutes: ServerTransport {
    /// Where the generated routes go: a group, so that middleware only they need
    /// (``ResponseBufferingMiddleware``) applies to them alone.
    let routes: RouterGroup<HeraldRequestContext>
    /// `METHOD /path` of each operation left out.
    let servedElsewhere: Set<String>

    func register(
        _ handler: @escaping @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?),
        method: HTTPRequest.Method,
        path: String
    ) throws {
        guard !servedElsewhere.contains("\(method.rawValue) \(path)") else { return }
        routes.register(handler, method: method, path: path)
    }
}
