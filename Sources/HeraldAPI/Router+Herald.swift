public import Hummingbird
import OpenAPIHummingbird
import OpenAPIRuntime

/// Builds the HTTP API's router: `/health` open, everything under `/api/v1` behind an API key,
/// and one error shape for every failure.
/// - Throws: when the generated routes cannot be registered (a bad server URL in the document).
///
/// ```swift
/// let router = try buildRouter(dependencies)
/// let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 8080)))
/// ```
public func buildRouter(_ dependencies: APIDependencies) throws -> Router<HeraldRequestContext> {
    let router = Router(context: HeraldRequestContext.self)
    router.add(middleware: ErrorMiddleware(logger: dependencies.logger))
    HealthController(dependencies: dependencies).register(on: router)
    DocumentationController().register(on: router)
    let api = router.group("api/v1").add(middleware: APIKeyMiddleware(authenticator: dependencies.authenticator))
    // The batch and send routes before `messages/:id…`, so neither word is read as an id.
    BatchController(dependencies: dependencies).register(on: api)
    SendController(dependencies: dependencies).register(on: api)
    MessagesController(dependencies: dependencies).register(on: api)
    MessagingController(dependencies: dependencies).register(on: api)
    TenantsController(dependencies: dependencies).register(on: api)
    KeysController(dependencies: dependencies).register(on: api)
    // The operations served through the generated interface; the document's paths are absolute.
    let contract = router.group().add(middleware: APIKeyMiddleware(authenticator: dependencies.authenticator))
    try APIHandler(dependencies: dependencies).registerHandlers(
        on: contract, configuration: Configuration(dateTranscoder: HeraldDateTranscoder())
    )
    return router
}
