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
        case invalidData = "invalid_data"
        case contentCleared = "content_cleared"
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

    /// The message's status does not allow the change (or, for ``HeraldError/contentCleared``,
    /// what it said is gone: ``isContentCleared``).
    public static func illegalTransition(_ error: HeraldError) -> StoreError {
        StoreError(kind: error == .contentCleared ? .contentCleared : .illegalTransition, message: error.message)
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

    /// The database refused a value it cannot store (PostgreSQL's SQLSTATE class 22: a NUL in
    /// text, a number out of range); the API answers 422.
    public static func invalidData(_ message: String) -> StoreError {
        StoreError(kind: .invalidData, message: message)
    }

    public var isNotFound: Bool { kind == .notFound }
    public var isConflict: Bool { kind == .conflict }
    public var isIllegalTransition: Bool { kind == .illegalTransition }
    public var isUnavailable: Bool { kind == .unavailable }
    public var isBusy: Bool { kind == .busy }
    public var isInvalidData: Bool { kind == .invalidData }
    /// Retention cleared the message's content: it cannot be sent again.
    public var isContentCleared: Bool { kind == .contentCleared }

    /// Whether the database answered and refused the write for what it holds — invalid data, a
    /// broken constraint — rather than being unreachable or busy: another write may well succeed.
    public var isRefusal: Bool { kind == .invalidData || kind == .conflict }

    /// Whether `error`, thrown by a store, means the database answered and refused the write —
    /// anything but unreachable, busy or cancelled — so the same write alone, or another, may
    /// fare differently.
    public static func isRefusal(_ error: any Error) -> Bool {
        if error is CancellationError { return false }
        guard let error = error as? StoreError else { return true }
        return !error.isUnavailable && !error.isBusy
    }
}
