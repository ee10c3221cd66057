/// Polls `condition` until it holds or `timeout` passes; for waiting on work done by another
/// task or process without a fixed sleep.
/// - Returns: whether the condition held in time.
public func eventually(
    timeout: Duration = .seconds(10),
    every interval: Duration = .milliseconds(10),
    _ condition: () async throws -> Bool
) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: interval)
    }
    return try await condition()
}
