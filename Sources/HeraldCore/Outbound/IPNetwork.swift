import Foundation

/// A range of addresses in CIDR notation (`10.0.0.0/8`, `fc00::/7`); a bare address is a
/// range of one.
public struct IPNetwork: Sendable, Hashable, CustomStringConvertible {
    public let address: IPAddress
    public let prefixLength: Int

    /// Parses `address/length`.
    /// - Throws: ``HeraldError/invalidConfiguration(_:)`` naming what is wrong.
    public init(_ text: String) throws(HeraldError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let parts = trimmed.split(separator: "/", maxSplits: 1)
        guard let first = parts.first, let address = IPAddress(String(first)) else {
            throw .invalidConfiguration("'\(trimmed)' is not a network (write it as 10.0.0.0/8 or fd00::/8)")
        }
        let bits = if case .v4 = address { 32 } else { 128 }
        let length = parts.count == 2 ? Int(parts[1]) : bits
        guard let length, (0...bits).contains(length) else {
            throw .invalidConfiguration("'\(trimmed)' has a prefix length outside 0...\(bits)")
        }
        self.address = address
        self.prefixLength = length
    }

    public var description: String { "\(address)/\(prefixLength)" }

    /// Parses a comma-separated list of networks (blanks ignored), as the settings that open
    /// ranges take them.
    /// - Throws: ``HeraldError/invalidConfiguration(_:)`` starting with `setting`.
    public static func list(_ text: String, setting: String) throws(HeraldError) -> [IPNetwork] {
        var networks: [IPNetwork] = []
        for entry in text.split(separator: ",") where !entry.trimmingCharacters(in: .whitespaces).isEmpty {
            do {
                networks.append(try IPNetwork(String(entry)))
            } catch {
                throw .invalidConfiguration("\(setting): \(error.message)")
            }
        }
        return networks
    }

    /// Whether `candidate` is in this range. An IPv4 range also holds the IPv4-mapped and other
    /// IPv6 spellings of its addresses.
    public func contains(_ candidate: IPAddress) -> Bool {
        switch (address, candidate) {
        case (.v4(let network), .v4(let value)):
            return Self.matches(network, value, length: prefixLength)
        case (.v4(let network), .v6):
            return candidate.embeddedV4.map { Self.matches(network, $0, length: prefixLength) } ?? false
        case (.v6(let network), .v6(let bytes)):
            var left = prefixLength
            for index in 0..<16 where left > 0 {
                let take = min(8, left)
                let mask = UInt8(truncatingIfNeeded: 0xff << (8 - take))
                if network[index] & mask != bytes[index] & mask { return false }
                left -= take
            }
            return true
        case (.v6, .v4):
            return false
        }
    }

    private static func matches(_ network: UInt32, _ value: UInt32, length: Int) -> Bool {
        let mask: UInt32 = length == 0 ? 0 : UInt32.max << UInt32(32 - length)
        return network & mask == value & mask
    }
}
