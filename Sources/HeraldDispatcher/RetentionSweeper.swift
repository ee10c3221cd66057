public import HeraldCore
public import HeraldStore
public import Logging
public import ServiceLifecycle

/// Clears the content, payload, template and metadata of messages finished more than
/// ``keep`` ago (`retention.message_content`), in small batches — each its own short
/// transaction, so ingest and delivery never wait long behind it — keeping the messages and
/// their delivery log. Sweeps every ``interval``.
public struct RetentionSweeper: Service {
    public let keep: Duration
    public let interval: Duration
    public let batchSize: Int
    private let store: any RetentionStore
    private let clock: any WallClock
    private let logger: Logger

    public init(
        store: any RetentionStore, keep: Duration, interval: Duration = .seconds(60), batchSize: Int = 500,
        clock: any WallClock = SystemWallClock(), logger: Logger
    ) {
        self.store = store
        self.keep = keep
        self.interval = interval
        self.batchSize = batchSize
        self.clock = clock
        self.logger = logger
    }

    public func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await sweep()
                try await clock.sleep(for: interval)
            }
        }
    }

    /// One sweep: batches until one comes back short (``run()`` makes one every ``interval``).
    /// - Returns: how many messages were cleared.
    @discardableResult
    public func sweep() async -> Int {
        var total = 0
        do {
            while !Task.isCancelled {
                let now = clock.now()
                let cleared = try await store.clearContent(finishedBefore: now.adding(.zero - keep), limit: batchSize, now: now)
                total += cleared
                if cleared < batchSize { break }
            }
        } catch {
            logger.error("could not clear old message content; trying again at the next sweep", metadata: ["error": "\(error)"])
        }
        if total > 0 {
            logger.info("cleared the content of finished messages past retention", metadata: ["count": "\(total)", "keep": "\(keep)"])
        }
        return total
    }
}
