/// Herald's implementation of the server interface generated from `openapi.yaml`
/// (`Generated/`): one method per operation, taking and returning the document's own types, so
/// a route, parameter or answer the document does not describe does not compile. Errors are
/// thrown as ``APIError`` and given the one error shape by ``ErrorMiddleware``.
struct APIHandler: APIProtocol {
    let dependencies: APIDependencies
}
