/// Where a message is in its life-cycle.
///
/// ```
/// scheduled ─due─> queued ──claim──> sending ──2xx──> sent ──> delivered ──> read
///                    ^                 ├──dry run──> dry_run
///                    └──retryable──────┤
///                                      └──permanent or exhausted──> failed ──retry──> queued
/// scheduled / queued ──cancel──> cancelled
/// ```
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

    /// Whether a message in this status may move to `next`.
    public func canTransition(to next: MessageStatus) -> Bool {
        Self.transitions[self, default: []].contains(next)
    }

    /// Every status from which a message may move to `target`.
    public static func sources(of target: MessageStatus) -> [MessageStatus] {
        allCases.filter { $0.canTransition(to: target) }
    }

    /// Whether the dispatcher may still pick the message up.
    public var isPending: Bool { self == .scheduled || self == .queued }

    private static let transitions: [MessageStatus: Set<MessageStatus>] = [
        .scheduled: [.queued, .sending, .cancelled],
        .queued: [.sending, .cancelled],
        // sending → sending: an expired lease is claimed again; → queued: retry or lease returned.
        .sending: [.sending, .queued, .sent, .failed, .dryRun],
        // A provider may report failure after accepting (an undeliverable number).
        .sent: [.delivered, .read, .failed],
        .delivered: [.read],
        .read: [],
        .failed: [.queued],
        .cancelled: [],
        .dryRun: [],
    ]
}
