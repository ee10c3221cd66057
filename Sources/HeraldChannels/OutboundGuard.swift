import AsyncHTTPClient
import Foundation
public import HeraldCore
import NIOHTTP1
import NIOPosix
#if canImport(Glibc)
import Glibc
#endif

/// Checks every outbound request against the ``OutboundPolicy`` when it is about to connect:
/// the host's addresses are looked up then and each must be allowed, so a name that resolves
/// to a loopback, private or metadata address — or is re-pointed there after the message was
/// accepted (DNS rebinding) — is refused. A plain `http://` request is then sent to the very
/// address checked (the `Host` header keeps the name), leaving no second look-up to rebind;
/// an `https://` one is connected by name, where the certificate must match that name.
public struct OutboundGuard: Sendable {
    public let policy: OutboundPolicy

    public init(policy: OutboundPolicy = OutboundPolicy()) {
        self.policy = policy
    }

    /// The request to send, checked (and for `http://` pinned to the checked address).
    /// - Returns: the outcome to record instead when it may not go: a permanent failure for a
    ///   refused address, a retry when the name cannot be looked up now.
    func admit(_ request: HTTPClientRequest) async -> Result<HTTPClientRequest, OutboundRefusal> {
        // A literal address (the common case for local receivers) needs no URL parse at all.
        if let literal = OutboundPolicy.host(of: request.url).flatMap({ IPAddress(String($0)) }) {
            return policy.refusal(for: literal).map { .failure(.refused($0)) } ?? .success(request)
        }
        guard var components = URLComponents(string: request.url), let host = components.host, !host.isEmpty else {
            return .success(request)  // The client itself answers an invalid URL.
        }
        let addresses: [IPAddress]
        do {
            addresses = try await Self.lookUp(host)
        } catch {
            return .failure(.unresolved("could not look up \(host): \(error)"))
        }
        guard let first = addresses.first else { return .failure(.unresolved("\(host) has no address")) }
        for address in addresses {
            if let refusal = policy.refusal(for: address) { return .failure(.refused("\(host) resolves to \(refusal)")) }
        }
        guard components.scheme?.lowercased() == "http" else { return .success(request) }
        var pinned = request
        if pinned.headers.first(name: "host") == nil {
            pinned.headers.add(name: "host", value: components.port.map { "\(host):\($0)" } ?? host)
        }
        components.host = if case .v6 = first { "[\(first)]" } else { "\(first)" }
        guard let url = components.string else { return .success(request) }
        pinned.url = url
        return .success(pinned)
    }

    /// The host's addresses, from the system resolver (on NIO's thread pool: it blocks).
    static func lookUp(_ host: String) async throws -> [IPAddress] {
        try await NIOThreadPool.singleton.runIfActive {
            var hints = addrinfo()
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            var list: UnsafeMutablePointer<addrinfo>?
            let status = getaddrinfo(host, nil, &hints, &list)
            guard status == 0 else { throw LookUpError(code: status) }
            defer { freeaddrinfo(list) }
            var addresses: [IPAddress] = []
            var entry = list
            while let current = entry {
                if let raw = current.pointee.ai_addr {
                    switch Int32(raw.pointee.sa_family) {
                    case AF_INET:
                        raw.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                            addresses.append(.v4(UInt32(bigEndian: $0.pointee.sin_addr.s_addr)))
                        }
                    case AF_INET6:
                        raw.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                            addresses.append(.v6(withUnsafeBytes(of: $0.pointee.sin6_addr) { Array($0) }))
                        }
                    default:
                        break
                    }
                }
                entry = current.pointee.ai_next
            }
            return addresses
        }
    }

    struct LookUpError: Error, CustomStringConvertible {
        var code: Int32
        var description: String { String(cString: gai_strerror(code)) }
    }
}

/// Why an outbound request did not go.
enum OutboundRefusal: Error {
    /// The address is in a refused range: failing for good (it will not become allowed).
    case refused(String)
    /// The name cannot be looked up now: worth retrying.
    case unresolved(String)

    var outcome: DeliveryOutcome {
        switch self {
        case .refused(let reason): .failed(reason: "outbound address refused: \(reason)")
        case .unresolved(let reason): .retry(reason: reason, after: nil)
        }
    }
}
