public import HeraldCore

/// A store failure, with drivers' own errors translated at the edge.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    private enum Code: String, Sendable {
        case notFound = "not_found"
        case conflict = "conflict"
        case illegalTransition = "illegal_transition"
        case unavailable = "store_unavailable"
        case busy = "store_busy"
        case corrupt = "store_corrupt"
    }

    private let kind: Code
    /// A sentence safe for logs (no message content, no secrets).
    public let message: String

    /// The stable machine-readable code.
    public var code: String { kind.rawValue }
    public var description: String { "\(kind.rawValue): \(message)" }

    /// No such message (for this tenant).
    public static let notFound = StoreError(kind: .notFound, message: "no such message")

    /// A record with this identity already exists.
    public static func conflict(_ message: String) -> StoreError {
        StoreError(kind: .conflict, message: message)
    }

    /// The message's status does not allow the change.
    public static func illegalTransition(_ error: HeraldError) -> StoreError {
        StoreError(kind: .illegalTransition, message: error.message)
    }

    /// The database cannot be reached or is busy beyond its timeout; worth retrying later.
    public static func unavailable(_ message: String) -> StoreError {
        StoreError(kind: .unavailable, message: message)
    }

    /// Too many writes wait for the database already: nothing was stored; worth retrying in a
    /// moment (backpressure, rather than memory growing while the disk falls behind).
    public static func busy(_ message: String) -> StoreError {
        StoreError(kind: .busy, message: message)
    }

    /// Stored data could not be read back.
    public static func corrupt(_ message: String) -> StoreError {
        StoreError(kind: .corrupt, message: message)
    }

    public var isNotFound: Bool { kind == .notFound }
    public var isConflict: Bool { kind == .conflict }
    public var isIllegalTransition: Bool { kind == .illegalTransition }
    public var isUnavailable: Bool { kind == .unavailable }
    public var isBusy: Bool { kind == .busy }
}
