public import Foundation

/// A claim on a message by one dispatcher until a moment. Its `version` is unique among the
/// message's claims (each claim takes the next), so a result recorded under an older lease —
/// one that expired and was claimed again, even by the same owner — is refused.
public struct Lease: Sendable, Hashable, Codable {
    /// The dispatcher that holds the message.
    public var owner: String
    public var expiresAt: Date
    /// The message's claim count when this lease was taken.
    public var version: Int64

    public init(owner: String, expiresAt: Date, version: Int64) {
        self.owner = owner
        self.expiresAt = expiresAt
        self.version = version
    }

    /// What a completion, deferral or release must show to apply.
    public var token: LeaseToken {
        LeaseToken(owner: owner, version: version)
    }
}

/// The proof of holding one lease: its owner and version. A store applies a change under it only
/// while the message is still `sending` under exactly this lease.
public struct LeaseToken: Sendable, Hashable, Codable, CustomStringConvertible {
    public var owner: String
    public var version: Int64

    public init(owner: String, version: Int64) {
        self.owner = owner
        self.version = version
    }

    public var description: String { "\(owner)#\(version)" }
}
