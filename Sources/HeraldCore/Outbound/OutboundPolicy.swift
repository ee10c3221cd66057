import Foundation

/// Which addresses Herald's outbound requests (webhooks, bot servers, status events, provider
/// APIs) may reach: anywhere public, and nothing in the loopback, private, link-local, CGNAT,
/// multicast, reserved or cloud-metadata ranges (IPv4 and IPv6, every spelling) unless
/// ``allowed`` opens part of them on purpose (`outbound.allowed_networks`).
public struct OutboundPolicy: Sendable, Hashable {
    /// A refused range and why it is refused.
    public struct BlockedRange: Sendable, Hashable {
        public let network: IPNetwork
        public let name: String
    }

    /// Networks opened on purpose; they win over the refused ranges.
    public var allowed: [IPNetwork]

    public init(allowed: [IPNetwork] = []) {
        self.allowed = allowed
    }

    /// Parses `outbound.allowed_networks`: comma-separated CIDRs (empty: none).
    /// - Throws: ``HeraldError/invalidConfiguration(_:)`` naming the bad entry.
    public init(allowedNetworks text: String) throws(HeraldError) {
        self.init(allowed: try IPNetwork.list(text, setting: "outbound.allowed_networks"))
    }

    /// Every range refused unless opened. 169.254.169.254 (AWS, GCP, Azure, …) is in the
    /// IPv4 link-local range; fd00:ec2::254 (AWS over IPv6) in the unique-local one.
    public static let blocked: [BlockedRange] = [
        ("0.0.0.0/8", "this network"),
        ("10.0.0.0/8", "private"),
        ("100.64.0.0/10", "CGNAT"),
        ("127.0.0.0/8", "loopback"),
        ("169.254.0.0/16", "link-local and cloud metadata"),
        ("172.16.0.0/12", "private"),
        ("192.0.0.0/24", "IETF protocol assignments"),
        ("192.168.0.0/16", "private"),
        ("198.18.0.0/15", "benchmarking"),
        ("224.0.0.0/4", "multicast"),
        ("240.0.0.0/4", "reserved and broadcast"),
        ("::/128", "unspecified"),
        ("::1/128", "loopback"),
        ("fc00::/7", "unique local (private) and cloud metadata"),
        ("fe80::/10", "link-local"),
        ("fec0::/10", "site-local"),
        ("ff00::/8", "multicast"),
    ].map { BlockedRange(network: try! IPNetwork($0.0), name: $0.1) }

    /// Why `address` may not be reached; `nil` when it may.
    public func refusal(for address: IPAddress) -> String? {
        if allowed.contains(where: { $0.contains(address) }) { return nil }
        guard let range = Self.blocked.first(where: { $0.network.contains(address) }) else { return nil }
        return "\(address) is in a \(range.name) range (\(range.network)); open it with outbound.allowed_networks / HERALD_ALLOWED_NETWORKS"
    }

    /// Why a name that resolved to `address` is refused — `localhost resolves to 127.0.0.1,
    /// which is in a loopback range (…)` — or `nil` when the address is allowed.
    public func refusal(forName host: some StringProtocol, resolvedTo address: IPAddress) -> String? {
        guard let refusal = refusal(for: address) else { return nil }
        return "\(host) resolves to \(address), which" + refusal.dropFirst("\(address)".count)
    }

    /// Why the host of `url` may not be reached when it is a literal address; `nil` for a
    /// name (checked when the request connects) or an allowed address. No DNS look-up.
    public func refusal(forURL url: String) -> String? {
        guard let host = Self.host(of: url), let address = IPAddress(String(host)) else { return nil }
        return refusal(for: address)
    }

    /// The 422 problem for a URL whose host is a refused literal address, or `nil`.
    public func problem(field: String, url: String) -> FieldProblem? {
        refusal(forURL: url).map { FieldProblem(field: field, code: "address_not_allowed", problem: $0) }
    }

    /// The host of `scheme://[user@]host[:port][/…]`, brackets kept for IPv6 — read without a
    /// full URL parse, which costs more than the rest of ingest's checks together.
    public static func host(of url: String) -> Substring? {
        guard let authorityStart = endOfScheme(url.utf8) else { return nil }
        var authority = url[authorityStart...]
        if let end = authority.utf8.firstIndex(where: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }) {
            authority = authority[..<end]
        }
        if let at = authority.utf8.lastIndex(of: UInt8(ascii: "@")) { authority = authority[authority.utf8.index(after: at)...] }
        if authority.utf8.first == UInt8(ascii: "[") {
            guard let close = authority.utf8.firstIndex(of: UInt8(ascii: "]")) else { return nil }
            return authority[...close]
        }
        if let colon = authority.utf8.firstIndex(of: UInt8(ascii: ":")) { authority = authority[..<colon] }
        return authority.isEmpty ? nil : authority
    }

    /// Where the authority starts: after the first `://`.
    private static func endOfScheme(_ bytes: String.UTF8View) -> String.Index? {
        var index = bytes.startIndex
        while let colon = bytes[index...].firstIndex(of: UInt8(ascii: ":")) {
            let rest = bytes[bytes.index(after: colon)...]
            if rest.starts(with: "//".utf8) { return bytes.index(colon, offsetBy: 3) }
            index = bytes.index(after: colon)
        }
        return nil
    }

    /// What `herald serve` says at start about the guard.
    public var summary: String {
        allowed.isEmpty
            ? "outbound requests may not reach loopback, private, link-local, CGNAT, multicast or metadata addresses (outbound.allowed_networks opens ranges)"
            : "outbound requests may reach \(allowed.map(\.description).joined(separator: ", ")) (outbound.allowed_networks); other loopback, private, link-local, CGNAT, multicast and metadata addresses are refused"
    }
}
