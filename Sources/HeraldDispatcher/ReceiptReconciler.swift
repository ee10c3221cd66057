public import HeraldCore
public import HeraldStore
public import Logging
public import ServiceLifecycle

/// Applies provider receipts that arrived before their message was known — a receipt can beat
/// the send's own completion to the database — once it is, and drops those whose message never
/// became known after ``maxAge``. Checks every ``interval``; with nothing kept a check is one
/// cheap query.
public struct ReceiptReconciler: Service {
    public let interval: Duration
    public let maxAge: Duration
    private let store: any ReceiptStore
    private let events: TenantDeliveryDirectory?
    private let clock: any WallClock
    private let logger: Logger

    /// - Parameter events: the tenants that take status events; `nil` raises none.
    public init(
        store: any ReceiptStore, events: TenantDeliveryDirectory? = nil, interval: Duration = .seconds(1), maxAge: Duration = .seconds(3600),
        clock: any WallClock = SystemWallClock(), logger: Logger
    ) {
        self.store = store
        self.events = events
        self.interval = interval
        self.maxAge = maxAge
        self.clock = clock
        self.logger = logger
    }

    public func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await clock.sleep(for: interval)
                await reconcile()
            }
        }
    }

    /// One pass (``run()`` makes one every ``interval``).
    public func reconcile() async {
        do {
            let subscriptions = try await events?.subscriptions() ?? .none
            let run = try await store.applyPendingReceipts(now: clock.now(), maxAge: maxAge, events: subscriptions)
            for applied in run.applied {
                logger.info("kept receipt applied", metadata: ["message": "\(applied.message.id)", "status": "\(applied.receipt.status.rawValue)"])
            }
            if run.expired > 0 {
                logger.warning("dropped receipts whose message never became known", metadata: ["count": "\(run.expired)"])
            }
        } catch {
            logger.error("could not apply kept receipts; trying again", metadata: ["error": "\(error)"])
        }
    }
}
