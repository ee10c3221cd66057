import Foundation
public import HeraldCore

/// The URLs a `webhook.endpoints` entry applies to, matched on the parsed URL — the same scheme,
/// host and port, and a path equal to the prefix's or below it at a `/` — never as a raw string
/// prefix (`http://127.0.0.1:1800` does not match `http://127.0.0.1:18001/x`, nor
/// `https://partner.example.net` match `https://partner.example.net.evil.test/`).
public struct WebhookURLPrefix: Sendable, Hashable {
    public let scheme: String
    public let host: String
    public let port: Int
    /// Without a trailing `/` (empty for the whole host).
    public let path: String

    /// - Throws: ``HeraldError/invalidConfiguration(_:)`` unless `text` is an absolute http(s) URL.
    public init(_ text: String, setting: String) throws(HeraldError) {
        guard let parts = Self.parts(text) else {
            throw .invalidConfiguration("\(setting) must be an absolute http:// or https:// URL with a host (got '\(text)')")
        }
        (scheme, host, port, path) = parts
    }

    /// Whether `url` is at or below this prefix.
    public func matches(_ url: String) -> Bool {
        guard let other = Self.parts(url), other.scheme == scheme, other.host == host, other.port == port else { return false }
        return path.isEmpty || other.path == path || other.path.hasPrefix(path + "/")
    }

    /// How specific the prefix is: the longer path wins.
    var length: Int { path.utf8.count }

    private static func parts(_ text: String) -> (scheme: String, host: String, port: Int, path: String)? {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
              scheme == "http" || scheme == "https", let host = components.host?.lowercased(), !host.isEmpty
        else { return nil }
        var path = components.percentEncodedPath
        while path.hasSuffix("/") { path.removeLast() }
        return (scheme, host, components.port ?? (scheme == "https" ? 443 : 80), path)
    }
}
