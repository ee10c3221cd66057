import HeraldStore
import HeraldCore
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
        let body: JSONValue = .object([
            "status": .string(databaseUp ? "ok" : "degraded"),
            "service": .string("herald"),
            "version": .string(dependencies.version),
            "environment": .string(dependencies.environment),
            "database": .string(databaseUp ? "ok" : "unreachable"),
        ])
        return JSONResponse.make(status: databaseUp ? .ok : .serviceUnavailable, json: body)
    }
}
