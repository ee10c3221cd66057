import AsyncHTTPClient
import HeraldChannels
import ServiceLifecycle

/// Owns the outbound HTTP clients — the shared one and those pinned to checked addresses — and
/// the resolver they look names up on, and shuts them down after everything using them has
/// stopped (services stop in reverse order, so it is listed first). While running it shuts down
/// pinned clients left idle, and those retired for `outbound.max_pinned_clients` within a second.
struct HTTPClientService: Service {
    let client: HTTPClient
    let pinned: PinnedClients
    let resolver: SystemResolver
    var sweepInterval: Duration = .seconds(30)

    func run() async throws {
        await cancelWhenGracefulShutdown {
            var waited = Duration.zero
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(1))
                waited += .seconds(1)
                guard waited >= sweepInterval || pinned.hasRetired else { continue }
                waited = .zero
                for idle in pinned.removeIdle() {
                    try? await idle.shutdown()
                }
            }
        }
        for open in pinned.close() {
            try? await open.shutdown()
        }
        try await client.shutdown()
        await resolver.shutdown()
    }
}
