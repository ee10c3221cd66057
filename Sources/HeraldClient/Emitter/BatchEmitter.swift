public import Foundation
import HeraldCore
import Logging
import Metrics
public import ServiceLifecycle
import Synchronization

/// Fire-and-forget at a high rate: ``add(_:)`` puts a message in a bounded buffer and returns;
/// one background task (``run()``) sends the buffer in batches — through Herald's
/// `POST /api/v1/messages/batch`, or as a JSON array to any collector URL — several requests in
/// flight when much is waiting, retrying what can go through later and reading Herald's answer
/// message by message. Every message gets an idempotency key when added, so a retried batch is
/// never stored twice. Nothing is held locked across I/O.
///
/// ```swift
/// let emitter = try BatchEmitter.builder()
///     .serverURL(URL(string: "http://localhost:8080")!)
///     .apiKey(key)
///     .retryPolicy(.maxRetries(10))
///     .build()
/// try await emitter.withRunning { emitter in
///     await emitter.add(OutgoingMessage(channel: "webhook", url: "https://example.com/hook", content: "hi"))
/// }   // flushed and closed here
/// ```
///
/// As a swift-service-lifecycle `Service` in a `ServiceGroup`, graceful shutdown flushes it
/// (within ``Configuration/closeDeadline``).
public final class BatchEmitter: Emitter, Service {
    /// Where batches go.
    public enum Destination: Sendable, Hashable {
        /// A Herald server: batches to its `/api/v1/messages/batch`, read message by message.
        case herald(URL)
        /// Any URL that takes a JSON array of messages; a 2xx answer accepts the whole batch.
        case collector(URL)
    }

    /// How it sends; made by ``Builder``.
    public struct Configuration: Sendable {
        public var destination: Destination
        public var apiKey: String?
        /// Messages per request (1–1,000; default 500).
        public var batchSize = 500
        /// Requests in flight at once when much is waiting (default 4).
        public var maxInFlight = 4
        public var whenFull = BufferFullPolicy.wait
        public var retryPolicy = EmitterRetryPolicy.maxRetries(10)
        /// How long graceful shutdown lets it send what is left.
        public var closeDeadline: Duration = .seconds(10)
    }

    private struct State {
        var counters = EmitterCounters()
        /// Ids of messages neither sent nor definitively failed.
        var pending = Set<Int64>()
        /// Places taken by adds that are storing their message now.
        var reserved = 0
        var lastID: Int64 = 0
        var flushWaiters: [(target: Int64, continuation: CheckedContinuation<Void, Never>)] = []
        var roomWaiters: [CheckedContinuation<Void, Never>] = []
        var stopWaiters: [CheckedContinuation<Void, Never>] = []
        var inFlight = 0
        var running = false
        var loaded = false
        /// Set by close: send what is left until this moment, then stop.
        var closingUntil: Date?
        var stopped = false
    }

    public let configuration: Configuration
    private let store: any EmitterEventStore
    private let transport: any EmitterTransport
    private let clock: any WallClock
    private let random: @Sendable () -> Double
    private let onFailure: (@Sendable (OutgoingMessage, HeraldClientError) -> Void)?
    private let logger: Logger
    private let state = Mutex(State())
    private let wakes: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation
    private let metrics = EmitterMetrics()

    init(
        configuration: Configuration, store: any EmitterEventStore, transport: any EmitterTransport, clock: any WallClock,
        random: @escaping @Sendable () -> Double, onFailure: (@Sendable (OutgoingMessage, HeraldClientError) -> Void)?, logger: Logger
    ) {
        self.configuration = configuration
        self.store = store
        self.transport = transport
        self.clock = clock
        self.random = random
        self.onFailure = onFailure
        self.logger = logger
        (wakes, wake) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// A builder; ``Builder/build()`` checks the settings.
    public static func builder() -> Builder { Builder() }

    /// What it has done so far.
    public var counters: EmitterCounters {
        state.withLock { state in
            var counters = state.counters
            counters.buffered = state.pending.count
            return counters
        }
    }

    // MARK: Adding

    public func add(_ message: OutgoingMessage) async {
        var message = message
        if message.idempotencyKey == nil { message.idempotencyKey = "emit-" + UUID().uuidString.lowercased() }
        while true {
            switch await reservePlace() {
            case .reserved:
                await store(message)
                return
            case .closed:
                drop(message, reason: "the emitter is closed")
                return
            case .full:
                switch configuration.whenFull {
                case .wait:
                    continue
                case .dropNewest:
                    drop(message, reason: "the buffer is full")
                    return
                case .dropOldest:
                    if let oldest = (try? await store.dropOldest()) ?? nil {
                        await finish([oldest], as: .dropped)
                        continue
                    }
                    drop(message, reason: "the buffer is full of messages in flight")
                    return
                }
            }
        }
    }

    private enum Place { case reserved, full, closed }

    /// Takes a place in the buffer; under the wait policy, waits until one is free.
    private func reservePlace() async -> Place {
        let capacity = store.capacity
        let immediate: Place? = state.withLock { state in
            if state.closingUntil != nil || state.stopped { return .closed }
            guard state.pending.count + state.reserved >= capacity else {
                state.reserved += 1
                return .reserved
            }
            return configuration.whenFull == .wait ? nil : .full
        }
        if let immediate { return immediate }
        await withCheckedContinuation { continuation in
            let now: Bool = state.withLock { state in
                if state.closingUntil != nil || state.stopped || state.pending.count + state.reserved < capacity { return true }
                state.roomWaiters.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
        return .full
    }

    private func store(_ message: OutgoingMessage) async {
        let id: Int64?
        do {
            id = try await store.add(message)
        } catch {
            logger.error("the emitter's buffer could not keep a message", metadata: ["error": "\(error)"])
            id = nil
        }
        let kept: Bool = state.withLock { state in
            state.reserved -= 1
            guard let id else { return false }
            state.pending.insert(id)
            state.lastID = max(state.lastID, id)
            state.counters.added += 1
            return true
        }
        guard kept else {
            drop(message, reason: "the buffer could not keep it")
            return
        }
        metrics.added.increment()
        metrics.buffered.record(counters.buffered)
        wake.yield()
    }

    private func drop(_ message: OutgoingMessage, reason: String) {
        state.withLock { $0.counters.dropped += 1 }
        metrics.dropped.increment()
        logger.warning("emitter dropped a message", metadata: ["reason": "\(reason)", "idempotency_key": "\(message.idempotencyKey ?? "-")"])
    }

    // MARK: Flushing and closing

    public func flush() async {
        await withCheckedContinuation { continuation in
            let done: Bool = state.withLock { state in
                let target = state.lastID
                guard let oldest = state.pending.min(), oldest <= target, !state.stopped else { return true }
                state.flushWaiters.append((target, continuation))
                return false
            }
            if done { continuation.resume() }
        }
    }

    public func close(deadline: Duration) async -> [OutgoingMessage] {
        beginClose(within: deadline)
        let running = state.withLock { $0.running && !$0.stopped }
        if running {
            await withCheckedContinuation { continuation in
                let stopped: Bool = state.withLock { state in
                    if state.stopped { return true }
                    state.stopWaiters.append(continuation)
                    return false
                }
                if stopped { continuation.resume() }
            }
        }
        return ((try? await store.all()) ?? []).map(\.message)
    }

    /// Runs the emitter beside `body`, then closes it (within `closeDeadline`): everything added
    /// in `body` is sent, or accounted for in the counters, when this returns.
    /// - Returns: what `body` returned.
    public func withRunning<T: Sendable>(
        closeDeadline: Duration = .seconds(30), _ body: @Sendable (BatchEmitter) async throws -> T
    ) async throws -> T {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.run() }
            do {
                let result = try await body(self)
                _ = await close(deadline: closeDeadline)
                try await group.waitForAll()
                return result
            } catch {
                _ = await close(deadline: .zero)
                group.cancelAll()
                throw error
            }
        }
    }

    // MARK: Sending

    /// Sends until closed (``close(deadline:)``, or graceful shutdown as a `Service`).
    public func run() async throws {
        state.withLock { $0.running = true }
        await loadKept()
        await withGracefulShutdownHandler {
            await sendLoop()
        } onGracefulShutdown: {
            self.beginClose(within: self.configuration.closeDeadline)
        }
        let waiters: [CheckedContinuation<Void, Never>] = state.withLock { state in
            state.stopped = true
            defer { state.stopWaiters = []; state.roomWaiters = [] }
            return state.stopWaiters + state.roomWaiters
        }
        for waiter in waiters { waiter.resume() }
        resumeFlushWaiters(all: true)
    }

    /// Messages a durable store kept from before: pending again.
    private func loadKept() async {
        guard let kept = try? await store.all() else { return }
        state.withLock { state in
            guard !state.loaded else { return }
            state.loaded = true
            for stored in kept {
                state.pending.insert(stored.id)
                state.lastID = max(state.lastID, stored.id)
            }
        }
        wake.yield()
    }

    /// Refuses new messages and gives the loop until `deadline` from now to send what is left
    /// (the first close sets the deadline).
    private func beginClose(within deadline: Duration) {
        let until = clock.now().adding(deadline)
        state.withLock { $0.closingUntil = $0.closingUntil ?? until }
        wakeEveryone()
    }

    private func wakeEveryone() {
        let waiters: [CheckedContinuation<Void, Never>] = state.withLock { state in
            defer { state.roomWaiters = [] }
            return state.roomWaiters
        }
        for waiter in waiters { waiter.resume() }
        wake.yield()
    }

    private func sendLoop() async {
        await withDiscardingTaskGroup { group in
            var deadlineWatched = false
            for await _ in wakes {
                let (closingUntil, nothingLeft, room) = state.withLock { state in
                    (state.closingUntil, state.pending.isEmpty, configuration.maxInFlight - state.inFlight)
                }
                if let closingUntil {
                    if nothingLeft || clock.now() >= closingUntil { break }
                    if !deadlineWatched {
                        deadlineWatched = true
                        group.addTask {
                            try? await self.clock.sleep(until: closingUntil)
                            self.wake.yield()
                        }
                    }
                }
                guard room > 0 else { continue }
                for _ in 0..<room {
                    guard let batch = try? await store.take(configuration.batchSize), !batch.isEmpty else { break }
                    state.withLock { $0.inFlight += 1 }
                    group.addTask {
                        await self.deliver(batch)
                        self.state.withLock { $0.inFlight -= 1 }
                        self.wake.yield()
                    }
                }
            }
            group.cancelAll()
        }
    }

    /// Sends one batch until each message is sent, definitively failed, or (when stopped) back
    /// in the buffer.
    private func deliver(_ batch: [StoredMessage]) async {
        var waiting = batch
        var retries = 0
        var quotaWaits = 0
        while !waiting.isEmpty {
            guard !Task.isCancelled else {
                try? await store.release(waiting.map(\.id))
                return
            }
            let verdict: BatchVerdict
            do {
                let response = try await transport.post(url: endpoint, headers: headers, body: try body(waiting.map(\.message)))
                verdict = BatchVerdict.read(response, count: waiting.count, perItemResults: perItemResults)
            } catch {
                verdict = .retry(retryAfter: nil, reason: "no answer: \(error)")
            }
            var delay: Duration?
            switch verdict {
            case .perItem(let fates):
                var next: [StoredMessage] = []
                var sent: [StoredMessage] = []
                var failed: [(StoredMessage, HeraldClientError)] = []
                for (stored, fate) in zip(waiting, fates) {
                    switch fate {
                    case .sent: sent.append(stored)
                    case .waitForQuota: next.append(stored)
                    case .failed(let error): failed.append((stored, error))
                    }
                }
                await finish(sent.map(\.id), as: .sent)
                for (stored, error) in failed { await fail([stored], error) }
                if !next.isEmpty {
                    // The quota resets in its own time: wait (up to the policy's longest delay
                    // between tries), without using up the retry budget.
                    quotaWaits += 1
                    delay = configuration.retryPolicy.delay(beforeRetry: quotaWaits, fraction: 0.5 + random() / 2)
                }
                waiting = next
            case .retry(let retryAfter, let reason):
                retries += 1
                guard configuration.retryPolicy.allows(retry: retries) else {
                    await fail(waiting, .unexpected(status: 0, message: "gave up after \(retries) attempts: \(reason)"))
                    return
                }
                state.withLock { $0.counters.retried += 1 }
                metrics.retried.increment()
                delay = configuration.retryPolicy.delay(beforeRetry: retries, fraction: random(), retryAfter: retryAfter)
            case .split:
                let half = waiting.count / 2
                await deliver(Array(waiting[..<half]))
                await deliver(Array(waiting[half...]))
                return
            case .failed(let error):
                await fail(waiting, error)
                return
            }
            if let delay, !waiting.isEmpty {
                do {
                    try await clock.sleep(for: delay)
                } catch {
                    try? await store.release(waiting.map(\.id))
                    return
                }
            }
        }
    }

    private var endpoint: URL {
        switch configuration.destination {
        case .herald(let server): server.appendingPathComponent("api/v1/messages/batch")
        case .collector(let url): url
        }
    }

    private var perItemResults: Bool {
        if case .herald = configuration.destination { true } else { false }
    }

    private var headers: [String: String] {
        var headers = ["content-type": "application/json", "user-agent": "HeraldClient"]
        if let key = configuration.apiKey { headers["authorization"] = "Bearer \(key)" }
        return headers
    }

    /// Herald's batch body `{"messages": […]}`, or a bare array for a collector.
    private func body(_ messages: [OutgoingMessage]) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let data = perItemResults ? try encoder.encode(["messages": messages]) : try encoder.encode(messages)
        return Array(data)
    }

    // MARK: Accounting

    private enum Ending { case sent, failed, dropped }

    private func fail(_ messages: [StoredMessage], _ error: HeraldClientError) async {
        await finish(messages.map(\.id), as: .failed)
        logger.warning("emitter could not send messages", metadata: ["count": "\(messages.count)", "error": "\(error)"])
        if let onFailure { for stored in messages { onFailure(stored.message, error) } }
    }

    /// Forgets messages that are done, counts them, and wakes whoever waits for room or a flush.
    private func finish(_ ids: [Int64], as ending: Ending) async {
        guard !ids.isEmpty else { return }
        do {
            try await store.finish(ids)
        } catch {
            // A durable store sends them again after a restart: a duplicate the idempotency key absorbs.
            logger.error("the emitter's buffer could not forget finished messages", metadata: ["error": "\(error)"])
        }
        let rooms: [CheckedContinuation<Void, Never>] = state.withLock { state in
            for id in ids { state.pending.remove(id) }
            switch ending {
            case .sent: state.counters.sent += ids.count
            case .failed: state.counters.failed += ids.count
            case .dropped: state.counters.dropped += ids.count
            }
            defer { state.roomWaiters = [] }
            return state.roomWaiters
        }
        switch ending {
        case .sent: metrics.sent.increment(by: ids.count)
        case .failed: metrics.failed.increment(by: ids.count)
        case .dropped: metrics.dropped.increment(by: ids.count)
        }
        metrics.buffered.record(counters.buffered)
        for room in rooms { room.resume() }
        resumeFlushWaiters(all: false)
    }

    private func resumeFlushWaiters(all: Bool) {
        let ready: [CheckedContinuation<Void, Never>] = state.withLock { state in
            let oldest = state.pending.min() ?? .max
            let (done, rest) = state.flushWaiters.reduce(into: ([CheckedContinuation<Void, Never>](), [(target: Int64, continuation: CheckedContinuation<Void, Never>)]())) {
                if all || $1.target < oldest { $0.0.append($1.continuation) } else { $0.1.append($1) }
            }
            state.flushWaiters = rest
            return done
        }
        for waiter in ready { waiter.resume() }
    }
}
