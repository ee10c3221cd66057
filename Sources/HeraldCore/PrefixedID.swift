public import Foundation
import Synchronization

/// A time-ordered identifier with a readable type prefix, such as `msg_01JD3Z8W4M6K2Q0R5T7V9X1B3C`.
///
/// The part after the prefix is a ULID: 48 bits of milliseconds since 1970 then 80 random bits,
/// in Crockford base 32, so identifiers sort by creation time as plain strings. Identifiers made
/// in the same millisecond by one process increase strictly.
public struct PrefixedID: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The full text, prefix included.
    public let rawValue: String

    /// Wraps an existing identifier without checking it; use ``init(parsing:prefix:)`` for input.
    public init(unchecked rawValue: String) {
        self.rawValue = rawValue
    }

    /// Parses user input, accepting only `prefix_` followed by 26 Crockford base-32 characters.
    public init?(parsing text: String, prefix: String) {
        guard text.hasPrefix(prefix + "_") else { return nil }
        let body = text.utf8.dropFirst(prefix.utf8.count + 1)
        guard body.count == 26, body.allSatisfy({ Self.decodeTable[Int($0)] != 0xFF }) else { return nil }
        self.rawValue = text
    }

    /// Makes a new identifier for `date` with the given prefix.
    public static func make(prefix: String, at date: Date = Date()) -> PrefixedID {
        let millis = UInt64(max(0, date.timeIntervalSince1970 * 1000))
        let (high, low) = generator.withLock { $0.next(millis: millis) }
        return PrefixedID(unchecked: prefix + "_" + encode(millis: high, random: low))
    }

    public var description: String { rawValue }

    public static func < (lhs: PrefixedID, rhs: PrefixedID) -> Bool { lhs.rawValue < rhs.rawValue }

    // MARK: - Encoding

    private static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)
    private static let decodeTable: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, char) in alphabet.enumerated() { table[Int(char)] = UInt8(index) }
        return table
    }()

    private static let generator = Mutex(MonotonicGenerator())

    /// Keeps identifiers from one process strictly increasing within a millisecond.
    private struct MonotonicGenerator {
        var lastMillis: UInt64 = 0
        var lastRandom: (UInt16, UInt64) = (0, 0)

        mutating func next(millis: UInt64) -> (UInt64, (UInt16, UInt64)) {
            if millis <= lastMillis {
                // Same (or earlier) millisecond: increment the random part.
                var (hi, lo) = lastRandom
                lo &+= 1
                if lo == 0 { hi &+= 1 }
                lastRandom = (hi, lo)
                return (lastMillis, lastRandom)
            }
            var rng = SystemRandomNumberGenerator()
            lastMillis = millis
            // Leave headroom so increments do not overflow the 80 bits.
            lastRandom = (UInt16.random(in: 0...0x7FFF, using: &rng), rng.next())
            return (millis, lastRandom)
        }
    }

    private static func encode(millis: UInt64, random: (UInt16, UInt64)) -> String {
        // 128 bits: 48 bits time, 16 + 64 bits random; 26 characters of 5 bits (130 bits, top 2 zero).
        let high = (millis << 16) | UInt64(random.0)
        let low = random.1
        var chars = [UInt8](repeating: 0, count: 26)
        for index in 0..<26 {
            let shift = (25 - index) * 5
            let value: UInt64
            if shift >= 64 {
                value = high >> (shift - 64)
            } else if shift + 5 > 64 {
                value = (low >> shift) | (high << (64 - shift))
            } else {
                value = low >> shift
            }
            chars[index] = alphabet[Int(value & 0x1F)]
        }
        return String(decoding: chars, as: UTF8.self)
    }
}

/// Declares a typed identifier that wraps a ``PrefixedID`` with a fixed prefix.
public protocol TypedID: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    /// The prefix before the underscore, such as `msg`.
    static var prefix: String { get }
    /// The wrapped identifier.
    var id: PrefixedID { get }
    /// Wraps an identifier already known to be of this type.
    init(_ id: PrefixedID)
}

extension TypedID {
    /// Makes a new identifier for `date`.
    public static func generate(at date: Date = Date()) -> Self { Self(.make(prefix: prefix, at: date)) }

    /// Parses user input; `nil` when it is not an identifier of this type.
    public init?(parsing text: String) {
        guard let id = PrefixedID(parsing: text, prefix: Self.prefix) else { return nil }
        self.init(id)
    }

    /// Wraps stored text without checking it.
    public init(unchecked text: String) { self.init(PrefixedID(unchecked: text)) }

    public var rawValue: String { id.rawValue }
    public var description: String { id.rawValue }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.id < rhs.id }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        self.init(unchecked: text)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(id.rawValue)
    }
}

/// Identifies one message: `msg_…`.
public struct MessageID: TypedID {
    public static let prefix = "msg"
    public let id: PrefixedID
    public init(_ id: PrefixedID) { self.id = id }
}

/// Identifies one delivery attempt: `att_…`.
public struct AttemptID: TypedID {
    public static let prefix = "att"
    public let id: PrefixedID
    public init(_ id: PrefixedID) { self.id = id }
}

/// Identifies a tenant. Tenant ids are chosen by operators, so any short slug is allowed;
/// every message carries one, and ``TenantID/default`` owns messages until tenants exist.
public struct TenantID: Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String
    public init(_ rawValue: String) { self.rawValue = rawValue }
    /// The tenant that owns everything in a single-tenant deployment.
    public static let `default` = TenantID("default")
    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// Identifies a sender profile: `prf_` then a ULID.
public struct ProfileID: TypedID {
    public static let prefix = "prf"
    public let id: PrefixedID
    public init(_ id: PrefixedID) { self.id = id }
}
