import AsyncHTTPClient
import Foundation
public import HeraldCore
import NIOHTTP1
import NIOPosix
#if canImport(Glibc)
import Glibc
#endif

/// Checks every outbound request against the ``OutboundPolicy`` when it is about to connect,
/// and sends it only to the address it checked: the host's addresses are looked up then and
/// each must be allowed, so a name that resolves to a loopback, private or metadata address —
/// or is re-pointed there after the message was accepted (DNS rebinding) — is refused. A plain
/// `http://` request is then sent to the checked address itself (the `Host` header keeps the
/// name); an `https://` one goes through a client of ``PinnedClients`` that connects the name
/// to that address while TLS still verifies the certificate for the name. Either way no second
/// look-up is left to rebind.
public struct OutboundGuard: Sendable {
    /// Looks a host name up: every address it has.
    public typealias Resolver = @Sendable (String) async throws -> [IPAddress]

    public let policy: OutboundPolicy
    private let pinned: PinnedClients?
    private let resolve: Resolver

    /// - Parameters:
    ///   - pinned: the clients that connect `https://` names to their checked address; without
    ///     them (a library user's default) an `https://` name is checked, then connected by name.
    ///   - resolve: the look-up (the system resolver unless a test needs another answer).
    public init(policy: OutboundPolicy = OutboundPolicy(), pinned: PinnedClients? = nil, resolve: @escaping Resolver = OutboundGuard.lookUp) {
        self.policy = policy
        self.pinned = pinned
        self.resolve = resolve
    }

    /// Sends `request` if its address is allowed, and gives the answer to `read` while the
    /// connection is still held.
    /// - Returns: what `read` made of the answer, or the outcome to record instead: a permanent
    ///   failure for a refused address, a retry when the name cannot be looked up now or no
    ///   answer came.
    /// `timeout` covers the whole attempt, the name's look-up included: a resolver that hangs
    /// fails the attempt at the timeout, as a receiver that does not answer does.
    func send<Answer>(
        _ request: HTTPClientRequest, client: HTTPClient, timeout: Duration, read: (HTTPClientResponse) async -> Answer
    ) async -> Result<Answer, TransportError> {
        let deadline = ContinuousClock.now + timeout
        let route: Route
        switch await self.route(request, client: client, within: timeout) {
        case .success(let found): route = found
        case .failure(let refusal): return .failure(TransportError(outcome: refusal.outcome))
        }
        defer { route.finish() }
        let left = deadline - ContinuousClock.now
        guard left > .zero else { return .failure(TransportError(outcome: OutboundRefusal.timedOut.outcome)) }
        do {
            let response = try await route.client.execute(route.request, timeout: .init(left))
            return .success(await read(response))
        } catch {
            return .failure(TransportError(outcome: TransportFailure.outcome(for: error)))
        }
    }

    /// Where a request goes: the request as sent and the client that sends it.
    struct Route {
        var request: HTTPClientRequest
        var client: HTTPClient
        /// Hands a pinned client back when the request is done.
        var finish: @Sendable () -> Void = {}
    }

    /// The request checked, and pinned to the checked address where it names a host; the name
    /// looked up within `timeout`.
    func route(_ request: HTTPClientRequest, client: HTTPClient, within timeout: Duration = .seconds(60)) async -> Result<Route, OutboundRefusal> {
        // A literal address (the common case for local receivers) needs no URL parse at all.
        if let literal = OutboundPolicy.host(of: request.url).flatMap({ IPAddress(String($0)) }) {
            return policy.refusal(for: literal).map { .failure(.refused($0)) } ?? .success(Route(request: request, client: client))
        }
        guard var components = URLComponents(string: request.url), let host = components.host, !host.isEmpty else {
            return .success(Route(request: request, client: client))  // The client itself answers an invalid URL.
        }
        let addresses: [IPAddress]
        switch await lookUp(host, within: timeout) {
        case .success(let found): addresses = found
        case .failure(let refusal): return .failure(refusal)
        }
        guard let first = addresses.first else { return .failure(.unresolved("\(host) has no address")) }
        for address in addresses {
            if let refusal = policy.refusal(forName: host, resolvedTo: address) { return .failure(.refused(refusal)) }
        }
        switch components.scheme?.lowercased() {
        case "http":
            var pinnedRequest = request
            if pinnedRequest.headers.first(name: "host") == nil {
                pinnedRequest.headers.add(name: "host", value: components.port.map { "\(host):\($0)" } ?? host)
            }
            components.host = if case .v6 = first { "[\(first)]" } else { "\(first)" }
            guard let url = components.string else { return .success(Route(request: request, client: client)) }
            pinnedRequest.url = url
            return .success(Route(request: pinnedRequest, client: client))
        case "https":
            guard let pinned else { return .success(Route(request: request, client: client)) }
            guard let pinnedClient = pinned.acquire(host: host, address: first) else {
                return .failure(.unresolved("the server is stopping"))
            }
            return .success(Route(request: request, client: pinnedClient) { pinned.release(host: host, address: first) })
        default:
            return .success(Route(request: request, client: client))  // The client refuses other schemes.
        }
    }

    /// The host's addresses, from the system resolver on a pool of its own threads
    /// (``SystemResolver/shared``; the server gives one sized by `outbound.resolver_threads`).
    @Sendable public static func lookUp(_ host: String) async throws -> [IPAddress] {
        try await SystemResolver.shared.lookUp(host)
    }
}

extension OutboundGuard {
    /// `host`'s addresses, or why not, given up after `timeout`.
    private func lookUp(_ host: String, within timeout: Duration) async -> Result<[IPAddress], OutboundRefusal> {
        let resolve = resolve
        return await withTaskGroup(of: Result<[IPAddress], OutboundRefusal>?.self) { group in
            group.addTask {
                do {
                    return .success(try await resolve(host))
                } catch is CancellationError {
                    return nil
                } catch {
                    return .failure(.unresolved("could not look up \(host): \(error)"))
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return Task.isCancelled ? nil : .failure(.timedOut)
            }
            defer { group.cancelAll() }
            while let first = await group.next() {
                if let first { return first }
            }
            return .failure(.timedOut)
        }
    }
}

/// Why an outbound request did not go.
enum OutboundRefusal: Error {
    /// The address is in a refused range: failing for good (it will not become allowed).
    case refused(String)
    /// The name cannot be looked up now: worth retrying.
    case unresolved(String)
    /// The attempt's time ran out before a request could go (a look-up that hung).
    case timedOut

    var outcome: DeliveryOutcome {
        switch self {
        case .refused(let reason): .failed(reason: "outbound address refused: \(reason)")
        case .unresolved(let reason): .retry(reason: reason, after: nil)
        // Recorded as an HTTP timeout is.
        case .timedOut: .retry(reason: "timed out", after: nil, throttled: true)
        }
    }
}
