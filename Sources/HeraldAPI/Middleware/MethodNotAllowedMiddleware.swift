import HTTPTypes
import HeraldCore
import Hummingbird

/// Answers a known path asked with a method it does not take (`TRACE /health`) with `405` and
/// an `Allow` header naming the methods it does take, instead of the router's `404`: the path
/// exists, the method is what is wrong. The paths and methods are the OpenAPI document's.
struct MethodNotAllowedMiddleware<Context: RequestContext>: RouterMiddleware {
    /// One documented path: its segments (`nil` for a `{parameter}`) and its methods.
    struct Route {
        var segments: [Substring?]
        var methods: [String]
        var literals: Int { segments.count { $0 != nil } }
    }

    let routes: [Route]

    init(document: JSONValue = OpenAPIDocument.json) {
        let verbs = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]
        routes = (document["paths"]?.objectValue ?? [:]).map { path, item in
            Route(
                segments: path.split(separator: "/").map { $0.hasPrefix("{") ? nil : $0 },
                methods: verbs.filter { item[$0] != nil }.map { $0.uppercased() }
            )
        }
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let segments = request.uri.path.split(separator: "/")
            // The most literal match: `/messages/batch` before `/messages/{id}`.
            guard let route = routes.filter({ Self.matches($0.segments, segments) }).max(by: { $0.literals < $1.literals }),
                  !route.methods.contains(request.method.rawValue)
            else { throw error }
            let allowed = route.methods.joined(separator: ", ")
            throw APIError(
                .methodNotAllowed, code: "method_not_allowed",
                message: "\(request.method.rawValue) is not one of the methods \(request.uri.path) takes: \(allowed)",
                headers: [.allow: allowed]
            )
        }
    }

    private static func matches(_ pattern: [Substring?], _ segments: [Substring]) -> Bool {
        pattern.count == segments.count && zip(pattern, segments).allSatisfy { $0 == nil || $0 == $1 }
    }
}
