import Foundation
import HeraldCore

/// One rate limit's state, as a generic cell rate algorithm (GCRA): the "theoretical arrival
/// time" of the next send. A send may go when `tat - tolerance <= now`; taking one moves `tat`
/// on by its cost. A send that may not go yet is given a later slot and reserves it, so the
/// messages that wait come back one after another at the bucket's rate, each once.
///
/// The rate the bucket enforces drops when the provider throttles (halved, AIMD) and climbs back
/// by a tenth of the configured rate every ``recoveryInterval``. A bucket with no configured rate
/// (``RateLimit/shared(_:)``) has no limit until the provider throttles; then it takes half the
/// rate it was seeing and climbs back from there until it is unlimited again.
struct TokenBucket: Sendable {
    static let recoveryInterval: TimeInterval = 10
    /// Rates never fall below this many sends a second.
    static let floorRate = 0.05

    var tat: Date
    /// The configured rate (this process's share), `nil` for no limit.
    var configuredRate: Double?
    var burst: Double
    /// The rate in force after the provider throttled, `nil` when the configured one applies.
    var loweredRate: Double?
    /// The rate it climbs back to (for a bucket without a configured rate: what it saw when throttled).
    var recoveryTarget: Double?
    var lastAdjustment: Date?
    /// No send before this moment (the provider's `Retry-After`).
    var blockedUntil: Date?
    /// Sends taken in the current and the previous ``recoveryInterval``, to learn a rate.
    var windowStart: Date
    var windowCount = 0
    var previousWindowCount = 0

    init(now: Date) {
        tat = now
        burst = 1
        windowStart = now
    }

    /// The rate in force, `nil` for none.
    var rate: Double? { loweredRate ?? configuredRate }

    /// The earliest a send costing `cost` may go.
    func slot(now: Date, cost: Double) -> Date {
        var slot = max(now, blockedUntil ?? now)
        if let rate {
            let interval = 1 / rate
            let tolerance = max(0, burst - cost) * interval
            slot = max(slot, tat.addingTimeInterval(-tolerance))
        }
        return slot
    }

    /// Takes a send costing `cost` at `slot` (from ``slot(now:cost:)``).
    mutating func take(at slot: Date, cost: Double, now: Date) {
        recover(now: now)
        count(now: now)
        guard let rate else { return }
        tat = max(tat, slot).addingTimeInterval(cost / rate)
    }

    /// The provider said to slow down: halve the rate, wait out `after`.
    mutating func throttle(now: Date, after: Duration?) {
        let seen = max(Double(previousWindowCount), Double(windowCount)) / Self.recoveryInterval
        let current = rate ?? max(Self.floorRate, seen)
        if configuredRate == nil { recoveryTarget = max(recoveryTarget ?? 0, current) }
        loweredRate = max(Self.floorRate, current / 2)
        lastAdjustment = now
        let wait = after.map(\.seconds) ?? 1
        blockedUntil = max(blockedUntil ?? now, now.addingTimeInterval(wait))
        tat = max(tat, now)
    }

    /// Additive increase: a tenth of the target rate back every ``recoveryInterval`` since the last change.
    private mutating func recover(now: Date) {
        guard let lowered = loweredRate, let since = lastAdjustment else { return }
        let steps = (now.timeIntervalSince(since) / Self.recoveryInterval).rounded(.down)
        guard steps >= 1 else { return }
        let target = configuredRate ?? recoveryTarget ?? lowered
        let raised = lowered + steps * target / 10
        lastAdjustment = since.addingTimeInterval(steps * Self.recoveryInterval)
        if raised >= target {
            loweredRate = nil
            recoveryTarget = nil
        } else {
            loweredRate = raised
        }
    }

    private mutating func count(now: Date) {
        let elapsed = now.timeIntervalSince(windowStart)
        if elapsed >= 2 * Self.recoveryInterval {
            previousWindowCount = 0
            windowCount = 0
            windowStart = now
        } else if elapsed >= Self.recoveryInterval {
            previousWindowCount = windowCount
            windowCount = 0
            windowStart = windowStart.addingTimeInterval(Self.recoveryInterval)
        }
        windowCount += 1
    }

    /// Whether the bucket remembers nothing that matters at `now` (it may be forgotten).
    func isIdle(now: Date) -> Bool {
        loweredRate == nil && (blockedUntil ?? .distantPast) < now && tat < now.addingTimeInterval(-Self.recoveryInterval)
    }
}
