public import Hummingbird
import Logging
public import ServiceLifecycle

/// Runs `services` under one service group while `body` runs, then shuts them down gracefully
/// and waits for them — also when `body` throws, so a failing test fails instead of hanging.
/// `body` may trigger the shutdown itself, through the group it is given, to test shutdown.
public func withRunningServices<T: Sendable>(
    _ services: [any Service],
    _ body: (ServiceGroup) async throws -> T
) async throws -> T {
    let group = ServiceGroup(services: services, logger: Logger(label: "test-services", factory: { _ in SwiftLogNoOpLogHandler() }))
    return try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        let result: Result<T, any Error>
        do {
            result = .success(try await body(group))
        } catch {
            result = .failure(error)
        }
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
        return try result.get()
    }
}

/// Runs an application listening on an ephemeral loopback port while `body` runs, passing it
/// the port. `makeApplication` gets the callback to hand to `onServerRunning`.
public func withListeningApplication<App: ApplicationProtocol, T: Sendable>(
    _ makeApplication: (_ reportPort: @escaping @Sendable (Int) async -> Void) -> App,
    _ body: (_ port: Int) async throws -> T
) async throws -> T {
    let (ports, continuation) = AsyncStream<Int>.makeStream()
    let app = makeApplication { port in continuation.yield(port) }
    return try await withRunningServices([app]) { _ in
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw CancellationError() }
        return try await body(port)
    }
}
