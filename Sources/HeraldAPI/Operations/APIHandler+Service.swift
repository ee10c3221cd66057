import HeraldCore
import HeraldStore
import OpenAPIRuntime

/// `/health`, and the API's own description: `/openapi.json`, `/openapi.yaml` and `/docs` (an
/// HTML reference rendered from the document, with no script or font from elsewhere, so it
/// works offline). Open to everyone.
extension APIHandler {
    func health(_ input: Operations.Health.Input) async throws -> Operations.Health.Output {
        let databaseUp: Bool
        do {
            try await dependencies.store.ping()
            databaseUp = true
        } catch {
            databaseUp = false
        }
        let report = Components.Schemas.Health(
            status: databaseUp ? .ok : .degraded,
            service: "herald",
            version: dependencies.version,
            environment: dependencies.environment,
            database: databaseUp ? .ok : .unreachable
        )
        return databaseUp ? .ok(.init(body: .json(report))) : .serviceUnavailable(.init(body: .json(report)))
    }

    func openAPIJSON(_ input: Operations.OpenAPIJSON.Input) async throws -> Operations.OpenAPIJSON.Output {
        .ok(.init(body: .json(OpenAPIDocument.json)))
    }

    func openAPIYAML(_ input: Operations.OpenAPIYAML.Input) async throws -> Operations.OpenAPIYAML.Output {
        .ok(.init(body: .yaml(.init(OpenAPIDocument.yaml))))
    }

    func metrics(_ input: Operations.Metrics.Input) async throws -> Operations.Metrics.Output {
        guard let endpoint = dependencies.metricsEndpoint else { throw APIError.notFound("metrics are turned off (metrics.enabled)") }
        switch Caller.principal {
        case .admin?: break
        case .tenant?: throw APIError.metricsAccessNeeded
        case nil: guard endpoint.admits(Caller.peer) else { throw APIError.unauthorized }
        }
        return .ok(.init(body: .plainText(.init(await endpoint.render()))))
    }

    func docs(_ input: Operations.Docs.Input) async throws -> Operations.Docs.Output {
        .ok(.init(body: .html(.init(Self.referencePage))))
    }

    /// Rendered once: the document does not change while the process runs.
    private static let referencePage = APIReferencePage.render(OpenAPIDocument.json)
}
