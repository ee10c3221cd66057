public import AsyncHTTPClient
import Foundation
import HeraldCore
public import NIOCore
import Synchronization

/// HTTP clients that connect an `https://` name to the one address the ``OutboundGuard``
/// checked: each is the shared client's configuration with `dnsOverride = [name: address]`, so
/// the connection goes to that address while TLS still verifies the certificate for the name.
/// Without them the client would look the name up again, and a DNS answer changed in between
/// (rebinding) could send the request somewhere the guard never saw.
///
/// One client per (name, address), kept while it is used and for `idleLimit` after, so its
/// connections are reused; ``removeIdle(now:)`` and ``close()`` hand back the clients to shut
/// down (the owner's service does it — `HTTPClient` must be shut down before it is freed).
public final class PinnedClients: Sendable {
    struct Key: Hashable {
        var host: String
        var address: String
    }

    struct Entry {
        var client: HTTPClient
        var inFlight: Int
        var lastUsed: ContinuousClock.Instant
    }

    struct State {
        var entries: [Key: Entry] = [:]
        var closed = false
    }

    private let configuration: HTTPClient.Configuration
    private let eventLoopGroup: any EventLoopGroup
    private let idleLimit: Duration
    private let state = Mutex(State())

    /// - Parameters:
    ///   - configuration: the shared client's configuration (timeouts, TLS, pool size); each
    ///     pinned client adds only its `dnsOverride`.
    ///   - idleLimit: how long an unused client is kept for its open connections.
    public init(configuration: HTTPClient.Configuration, eventLoopGroup: any EventLoopGroup, idleLimit: Duration = .seconds(60)) {
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        self.idleLimit = idleLimit
    }

    /// The client for `host` pinned to `address`, counted as in use until ``release(host:address:)``;
    /// `nil` once closed (the server is stopping).
    func acquire(host: String, address: IPAddress) -> HTTPClient? {
        let key = Key(host: host, address: "\(address)")
        return state.withLock { state in
            guard !state.closed else { return nil }
            let now = ContinuousClock.now
            if var entry = state.entries[key] {
                entry.inFlight += 1
                entry.lastUsed = now
                state.entries[key] = entry
                return entry.client
            }
            var pinned = configuration
            pinned.dnsOverride = [host: "\(address)"]
            let client = HTTPClient(eventLoopGroup: eventLoopGroup, configuration: pinned)
            state.entries[key] = Entry(client: client, inFlight: 1, lastUsed: now)
            return client
        }
    }

    /// Marks one use of the client for (`host`, `address`) finished.
    func release(host: String, address: IPAddress) {
        let key = Key(host: host, address: "\(address)")
        state.withLock { state in
            guard var entry = state.entries[key] else { return }
            entry.inFlight -= 1
            entry.lastUsed = .now
            state.entries[key] = entry
        }
    }

    /// The number of clients kept (for tests and diagnostics).
    public var count: Int { state.withLock { $0.entries.count } }

    /// Takes out the clients unused for `idleLimit`; the caller shuts them down.
    public func removeIdle(now: ContinuousClock.Instant = .now) -> [HTTPClient] {
        state.withLock { state in
            let idle = state.entries.filter { $0.value.inFlight == 0 && now - $0.value.lastUsed >= idleLimit }
            for key in idle.keys { state.entries[key] = nil }
            return idle.values.map(\.client)
        }
    }

    /// Refuses new clients from now on and takes out every client; the caller shuts them down.
    public func close() -> [HTTPClient] {
        state.withLock { state in
            state.closed = true
            defer { state.entries = [:] }
            return state.entries.values.map(\.client)
        }
    }
}
