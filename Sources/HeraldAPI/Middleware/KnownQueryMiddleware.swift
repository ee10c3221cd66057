import HeraldCore
import Hummingbird

/// Refuses a search with a query parameter the route does not know — 422 `validation_failed`
/// naming it and the ones it knows — instead of ignoring it: a misspelled filter
/// (`GET /api/v1/messages?idempotency_kye=…`) must not widen a search to everything. The known
/// parameters are the OpenAPI document's for each route listed in ``searchRoutes``.
struct KnownQueryMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The searches held to their documented parameters.
    static var searchRoutes: [String] { ["/api/v1/messages"] }

    let known: [String: Set<String>]

    init(document: JSONValue = OpenAPIDocument.json) {
        var known: [String: Set<String>] = [:]
        for path in Self.searchRoutes {
            let parameters = (document["paths"]?[path]?["get"]?["parameters"]?.arrayValue ?? []).map { Self.resolve($0, in: document) }
            known[path] = Set(parameters.compactMap { $0["in"] == .string("query") ? $0["name"]?.stringValue : nil })
        }
        self.known = known
    }

    /// A parameter given as `$ref: "#/components/parameters/Kind"`, looked up; others as they are.
    static func resolve(_ parameter: JSONValue, in document: JSONValue) -> JSONValue {
        guard let reference = parameter["$ref"]?.stringValue, reference.hasPrefix("#/") else { return parameter }
        return reference.dropFirst(2).split(separator: "/").reduce(Optional(document)) { node, key in node?[String(key)] } ?? parameter
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .get, let names = known[request.uri.path] else { return try await next(request, context) }
        let unknown = Set(request.uri.queryParameters.map { String($0.key) }).subtracting(names).sorted()
        guard unknown.isEmpty else {
            let list = names.sorted().joined(separator: ", ")
            throw APIError.validation(unknown.map { name in
                FieldProblem(field: name, code: "unknown_parameter", problem: "is not a filter of this search; known: \(list)")
            })
        }
        return try await next(request, context)
    }
}
