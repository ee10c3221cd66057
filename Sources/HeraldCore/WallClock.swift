public import Foundation

/// The time source for everything that schedules: the dispatcher, leases, retries.
/// Production uses ``SystemWallClock``; tests inject a manual clock.
public protocol WallClock: Sendable {
    /// The current time.
    func now() -> Date
    /// Sleeps for `duration`.
    /// - Throws: `CancellationError` when the task is cancelled.
    func sleep(for duration: Duration) async throws
    /// Sleeps until `deadline` (at once when it has passed).
    /// - Throws: `CancellationError` when the task is cancelled.
    func sleep(until deadline: Date) async throws
}

extension WallClock {
    public func sleep(until deadline: Date) async throws {
        let left = deadline.timeIntervalSince(now())
        guard left > 0 else { return try Task.checkCancellation() }
        try await sleep(for: .nanoseconds(Int64(left * 1e9)))
    }
}

/// The real clock.
public struct SystemWallClock: WallClock {
    public init() {}
    public func now() -> Date { Date() }
    public func sleep(for duration: Duration) async throws {
        try await Task.sleep(for: duration)
    }
}

extension Date {
    /// This date moved by `duration`.
    public func adding(_ duration: Duration) -> Date {
        addingTimeInterval(duration.seconds)
    }
}
