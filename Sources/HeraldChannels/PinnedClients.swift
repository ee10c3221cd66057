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
/// connections are reused, and at most `maxClients` at once: past it, the least recently used
/// idle client is retired. ``removeIdle(now:)`` and ``close()`` hand back the clients to shut
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
        /// Clients taken out for the cap, waiting to be shut down.
        var retired: [HTTPClient] = []
        var closed = false
    }

    public static let defaultMaxClients = 256

    private let configuration: HTTPClient.Configuration
    private let eventLoopGroup: any EventLoopGroup
    private let idleLimit: Duration
    private let maxClients: Int
    private let state = Mutex(State())

    /// - Parameters:
    ///   - configuration: the shared client's configuration (timeouts, TLS, pool size); each
    ///     pinned client adds only its `dnsOverride`.
    ///   - idleLimit: how long an unused client is kept for its open connections.
    ///   - maxClients: the most clients kept at once (`outbound.max_pinned_clients`); clients in
    ///     use are never retired, so only more names in use at once than this can exceed it.
    public init(
        configuration: HTTPClient.Configuration, eventLoopGroup: any EventLoopGroup, idleLimit: Duration = .seconds(60),
        maxClients: Int = PinnedClients.defaultMaxClients
    ) {
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        self.idleLimit = idleLimit
        self.maxClients = max(1, maxClients)
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
            // At the cap: retire the least recently used clients nobody is using.
            let excess = state.entries.count + 1 - maxClients
            if excess > 0 {
                let idle = state.entries.filter { $0.value.inFlight == 0 }.sorted { $0.value.lastUsed < $1.value.lastUsed }.prefix(excess)
                for (key, entry) in idle {
                    state.entries[key] = nil
                    state.retired.append(entry.client)
                }
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

    /// Takes out the clients unused for `idleLimit` and those retired for the cap; the caller
    /// shuts them down.
    public func removeIdle(now: ContinuousClock.Instant = .now) -> [HTTPClient] {
        state.withLock { state in
            let idle = state.entries.filter { $0.value.inFlight == 0 && now - $0.value.lastUsed >= idleLimit }
            for key in idle.keys { state.entries[key] = nil }
            defer { state.retired = [] }
            return idle.values.map(\.client) + state.retired
        }
    }

    /// Whether clients retired for the cap wait to be shut down.
    public var hasRetired: Bool { state.withLock { !$0.retired.isEmpty } }

    /// Refuses new clients from now on and takes out every client; the caller shuts them down.
    public func close() -> [HTTPClient] {
        state.withLock { state in
            state.closed = true
            defer {
                state.entries = [:]
                state.retired = []
            }
            return state.entries.values.map(\.client) + state.retired
        }
    }
}
