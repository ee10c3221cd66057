public import Hummingbird
import HeraldCore
import HeraldDispatcher
import HummingbirdCore
import OpenAPIHummingbird
import OpenAPIRuntime

/// Builds the HTTP API's router: the operations of `openapi.yaml` (the generated interface,
/// implemented by ``APIHandler``; the two ingest routes with a conversion of their own,
/// ``CreateMessageRoute`` and ``CreateMessagesRoute``), the provider callbacks
/// (``CallbackRoutes``, authenticated by signatures, not keys), the caller found from the API
/// key, and one error shape for every failure.
///
/// ```swift
/// let router = try buildRouter(dependencies)
/// let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 8080)))
/// ```
/// - Throws: when the generated routes cannot be registered (a bad server URL in the document).
public func buildRouter(_ dependencies: APIDependencies) throws -> Router<HeraldRequestContext> {
    let router = Router(context: HeraldRequestContext.self)
    router.add(middleware: RequestMetricsMiddleware(metrics: dependencies.metrics))
    router.add(middleware: ErrorMiddleware(logger: dependencies.logger))
    router.add(middleware: MethodNotAllowedMiddleware())
    router.add(middleware: DeclaredLengthMiddleware(limits: dependencies.limits, callbackLimit: dependencies.callbacks.maxBodyBytes))
    router.add(middleware: APIKeyMiddleware(authenticator: dependencies.authenticator))
    router.add(middleware: KnownQueryMiddleware())
    let handler = APIHandler(dependencies: dependencies)
    let createMessage = CreateMessageRoute(handler: handler, limit: dependencies.limits.maxBodyBytes)
    let createMessages = CreateMessagesRoute(handler: handler, limit: dependencies.limits.maxBatchBodyBytes)
    router.post("api/v1/messages", use: createMessage.respond)
    router.post("api/v1/messages/batch", use: createMessages.respond)
    CallbackRoutes(
        store: dependencies.store, settings: dependencies.callbacks, limiter: dependencies.dispatcher.limiter,
        events: dependencies.events, clock: dependencies.clock, logger: dependencies.logger
    ).register(on: router)
    try handler.registerHandlers(
        on: GeneratedRoutes(
            routes: router.group().add(middleware: ResponseBufferingMiddleware()),
            servedElsewhere: [CreateMessageRoute.operation, CreateMessagesRoute.operation]
        ),
        // Compact: answers are read by programs, and the runtime's default (sorted keys,
        // pretty-printed) only adds work to each.
        configuration: Configuration(dateTranscoder: HeraldDateTranscoder(), jsonEncodingOptions: [.withoutEscapingSlashes]),
        middlewares: [
            RequestReadingMiddleware(
                limit: dependencies.limits.maxBodyBytes,
                explain: [
                    "sendMessage": { request, body in
                        let object = try RequestDecoding.jsonObject(from: body)
                        try SendTimeout.explain(query: URI(request.path ?? "").queryParameters.get("timeout"), body: object["timeout"])
                    },
                    "createKey": { _, body in try APIHandler.explainCreateKey(body) },
                    "createTenant": { _, body in _ = try TenantRequest(try RequestDecoding.jsonObject(from: body), creating: true) },
                    "updateTenant": { _, body in _ = try TenantRequest(try RequestDecoding.jsonObject(from: body), creating: false) },
                    "listMessages": { request, _ in
                        let query = URI(request.path ?? "").queryParameters
                        _ = try MessageListRequest({ query.get($0) }, tenant: TenantID(""), maxPageSize: dependencies.limits.maxPageSize)
                    },
                ]
            ),
        ]
    )
    return router
}
