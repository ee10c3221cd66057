import AsyncHTTPClient
import ServiceLifecycle

/// Owns the shared outbound HTTP client and shuts it down after everything using it has stopped
/// (services stop in reverse order, so it is listed first).
struct HTTPClientService: Service {
    let client: HTTPClient

    func run() async throws {
        try? await gracefulShutdown()
        try await client.shutdown()
    }
}
