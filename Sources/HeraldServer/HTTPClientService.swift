import AsyncHTTPClient
import HeraldChannels
import ServiceLifecycle

/// Owns the outbound HTTP clients — the shared one and those pinned to checked addresses — and
/// shuts them down after everything using them has stopped (services stop in reverse order, so
/// it is listed first). While running it shuts down pinned clients left idle.
struct HTTPClientService: Service {
    let client: HTTPClient
    let pinned: PinnedClients
    var sweepInterval: Duration = .seconds(30)

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: sweepInterval)
                for idle in pinned.removeIdle() {
                    try? await idle.shutdown()
                }
            }
        }
        for open in pinned.close() {
            try? await open.shutdown()
        }
        try await client.shutdown()
    }
}
