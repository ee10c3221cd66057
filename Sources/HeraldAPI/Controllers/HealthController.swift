import HeraldStore
import Hummingbird

/// `GET /health`: is the service up and its database reachable. Needs no key.
struct HealthController {
    let dependencies: APIDependencies

    func register(on router: Router<HeraldRequestContext>) {
        router.get("health") { _, _ in await health() }
    }

    private func health() async -> Response {
        let databaseUp: Bool
        do {
            try await dependencies.store.ping()
            databaseUp = true
        } catch {
            databaseUp = false
        }
        let body = HealthBody(
            status: databaseUp ? "ok" : "degraded",
            service: "herald",
            version: dependencies.version,
            environment: dependencies.environment,
            database: databaseUp ? "ok" : "unreachable"
        )
        return JSONResponse.make(status: databaseUp ? .ok : .serviceUnavailable, body: body)
    }
}

/// The `/health` answer.
struct HealthBody: Codable {
    var status: String
    var service: String
    var version: String
    var environment: String
    var database: String
}
