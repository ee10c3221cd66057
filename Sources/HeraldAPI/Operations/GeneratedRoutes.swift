import HTTPTypes
import Hummingbird
import OpenAPIHummingbird
import OpenAPIRuntime

/// Registers the generated operations on the router, except those Herald serves with a route of
/// its own (``CreateMessageRoute``).
struct GeneratedRoutes: ServerTransport {
    let router: Router<HeraldRequestContext>
    /// `METHOD /path` of each operation left out.
    let servedElsewhere: Set<String>

    func register(
        _ handler: @escaping @Sendable (HTTPRequest, HTTPBody?, ServerRequestMetadata) async throws -> (HTTPResponse, HTTPBody?),
        method: HTTPRequest.Method,
        path: String
    ) throws {
        guard !servedElsewhere.contains("\(method.rawValue) \(path)") else { return }
        router.register(handler, method: method, path: path)
    }
}
