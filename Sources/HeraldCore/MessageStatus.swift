/// Where a message is in its life-cycle.
///
/// ```
/// scheduled ─due─> queued ──claim──> sending ──2xx──> sent ──> partially_delivered ──> delivered ──> read
///                    ^                 ├──dry run──> dry_run      │                              │
///                    └──retryable──────┤                          └──> undelivered / failed <────┘ (late failure)
///                                      └──permanent or exhausted──> failed ──retry──> queued
/// scheduled / queued ──cancel──> cancelled
/// ```
/// After `sent`, moves come from provider receipts and only go forward: a late `delivered` after
/// `read` is kept in the message's receipt history but does not move it back.
/// The legal moves are in ``MessageStatus/canTransition(to:)``; drivers guard their updates with
/// ``MessageStatus/sources(of:)`` so the table here is the only place the rules live.
public enum MessageStatus: String, Sendable, Codable, CaseIterable, Hashable {
    case scheduled
    case queued
    case sending
    case sent
    case delivered
    case read
    case failed
    case cancelled
    /// A dry run: nothing went out; the attempt entry says what would have.
    case dryRun = "dry_run"
    /// The provider could not deliver it (Twilio `undelivered`): final, like `failed`.
    case undelivered
    /// Some segments of a long message arrived, not all (Twilio `partially_delivered`).
    case partiallyDelivered = "partially_delivered"

    /// Whether a message in this status may move to `next`.
    public func canTransition(to next: MessageStatus) -> Bool {
        Self.transitions[self, default: []].contains(next)
    }

    /// Every status from which a message may move to `target`.
    public static func sources(of target: MessageStatus) -> [MessageStatus] {
        allCases.filter { $0.canTransition(to: target) }
    }

    /// Whether the message ended without reaching its recipient (`failed`, `undelivered`).
    public var isFailure: Bool { self == .failed || self == .undelivered }

    /// Whether the dispatcher may still pick the message up.
    public var isPending: Bool { self == .scheduled || self == .queued }

    private static let transitions: [MessageStatus: Set<MessageStatus>] = [
        .scheduled: [.queued, .sending, .cancelled],
        .queued: [.sending, .cancelled],
        // sending → sending: an expired lease is claimed again; → queued: retry or lease returned.
        .sending: [.sending, .queued, .sent, .failed, .dryRun],
        // From here on, provider receipts: a provider may report failure after accepting (an
        // undeliverable number), even after it reported delivery (a late failure).
        .sent: [.partiallyDelivered, .delivered, .read, .failed, .undelivered],
        .partiallyDelivered: [.delivered, .read, .failed, .undelivered],
        .delivered: [.read, .failed, .undelivered],
        .read: [],
        .undelivered: [],
        .failed: [.queued],
        .cancelled: [],
        .dryRun: [],
    ]
}
