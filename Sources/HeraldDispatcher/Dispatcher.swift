import Foundation
public import HeraldCore
public import HeraldStore
public import Logging
public import ServiceLifecycle
import Synchronization

/// Claims due messages in batches, sends them with bounded concurrency, and records outcomes.
///
/// It wakes as soon as the store signals new work; ``DispatcherConfiguration/pollInterval`` is
/// only the fallback for scheduled and retried messages. On graceful shutdown it stops
/// claiming, lets in-flight sends finish within ``DispatcherConfiguration/shutdownGrace``,
/// cancels the rest, and returns their leases so another run sends them.
///
/// ```swift
/// let dispatcher = Dispatcher(store: store, channels: channels, configuration: try .init(), logger: logger)
/// let group = ServiceGroup(services: [dispatcher], gracefulShutdownSignals: [.sigterm], logger: logger)
/// try await group.run()
/// ```
public final class Dispatcher: Service {
    private struct State {
        var paused: Bool
        var stopping = false
        var inFlight = 0
        /// The earliest retry this dispatcher scheduled, to wake for it before the poll interval.
        var earliestRetry: Date?
        var sent = RateWindow()
        var retried = RateWindow()
        var failed = RateWindow()
        var lastCycle: DispatchCycle?
    }

    /// This process's lease owner id.
    public let owner: String
    private let store: any MessageStore
    private let profiles: ProfileCache?
    private let channels: ChannelRegistry
    private let configuration: DispatcherConfiguration
    private let clock: any WallClock
    private let logger: Logger
    private let state: Mutex<State>
    private var signal: WorkSignal { store.workSignal }
    /// The fewest free slots worth a claim while sends are in flight.
    private var minimumClaim: Int { max(1, min(configuration.batchSize, configuration.concurrency) / 4) }

    /// - Parameter profiles: where the sender profiles messages name are read; `nil` when no
    ///   message has one (a message naming a profile then fails).
    public init(
        store: any MessageStore,
        profiles: ProfileCache? = nil,
        channels: ChannelRegistry,
        configuration: DispatcherConfiguration,
        clock: any WallClock = SystemWallClock(),
        owner: String = Dispatcher.makeOwnerID(),
        logger: Logger
    ) {
        self.store = store
        self.profiles = profiles
        self.channels = channels
        self.configuration = configuration
        self.clock = clock
        self.owner = owner
        self.logger = logger
        self.state = Mutex(State(paused: configuration.startPaused))
    }

    /// A lease owner id unique to this process: host, pid and a random suffix.
    public static func makeOwnerID() -> String {
        let host = ProcessInfo.processInfo.hostName
        let pid = ProcessInfo.processInfo.processIdentifier
        return "\(host):\(pid):\(UInt32.random(in: 0...UInt32.max))"
    }

    /// Whether claiming is paused.
    public var isPaused: Bool { state.withLock { $0.paused } }

    /// Sends in flight now.
    public var inFlight: Int { state.withLock { $0.inFlight } }

    /// Stops claiming new messages; in-flight sends finish.
    /// - Returns: `false` when it was already paused.
    @discardableResult
    public func pause() -> Bool {
        state.withLock { state in
            defer { state.paused = true }
            return !state.paused
        }
    }

    /// Resumes claiming.
    /// - Returns: `false` when it was not paused.
    @discardableResult
    public func resume() -> Bool {
        let changed = state.withLock { state in
            defer { state.paused = false }
            return state.paused
        }
        signal.signal()
        return changed
    }

    /// Paused or not, what is in flight, and what happened in the last minute.
    public var status: DispatcherStatus {
        let now = clock.now()
        return state.withLock { state in
            DispatcherStatus(
                paused: state.paused, inFlight: state.inFlight, concurrency: configuration.concurrency,
                sentLastMinute: state.sent.total(at: now), retriedLastMinute: state.retried.total(at: now),
                failedLastMinute: state.failed.total(at: now), lastCycle: state.lastCycle
            )
        }
    }

    /// Claims one batch now and sends it, whether or not the background loop is paused;
    /// answers what it did once every attempt is recorded. It sends through the slots the
    /// background loop leaves free (reserved for the whole cycle), so the two together never
    /// exceed the configured concurrency; with no slot free it claims nothing.
    /// - Throws: a store error when the claim fails.
    public func runCycle() async throws -> DispatchCycle {
        let started = clock.now()
        // Reserve the free slots before claiming, so the loop cannot take them meanwhile.
        let slots = state.withLock { state in
            let free = max(0, configuration.concurrency - state.inFlight)
            state.inFlight += free
            return free
        }
        let claimed: [Message]
        do {
            claimed = slots == 0 ? [] : try await store.claim(ClaimParams(
                owner: owner, limit: configuration.batchSize, now: started, leaseDuration: configuration.leaseDuration
            ))
        } catch {
            releaseSlots(slots)
            throw error
        }
        let used = min(slots, claimed.count)
        releaseSlots(slots - used)
        var cycle = DispatchCycle(startedAt: started, finishedAt: started, claimed: claimed.count)
        await withTaskGroup(of: Completion.Resolution?.self) { group in
            var waiting = claimed.makeIterator()
            // Each reserved slot sends one message after another, then is given back.
            for _ in 0..<used {
                guard let message = waiting.next() else { break }
                group.addTask { await self.deliver(message) }
            }
            for await resolution in group {
                switch resolution {
                case .sent?, .dryRun?: cycle.sent += 1
                case .retry?, .throttled?: cycle.retried += 1
                case .failed?: cycle.failed += 1
                case nil: break
                }
                if let message = waiting.next() {
                    group.addTask { await self.deliver(message) }
                } else {
                    releaseSlots(1)
                }
            }
        }
        cycle.finishedAt = clock.now()
        state.withLock { $0.lastCycle = cycle }
        return cycle
    }

    private func releaseSlots(_ count: Int) {
        guard count > 0 else { return }
        state.withLock { $0.inFlight -= count }
        signal.signal()
    }

    public func run() async throws {
        logger.info("dispatcher started", metadata: ["owner": "\(owner)", "concurrency": "\(configuration.concurrency)"])
        await withGracefulShutdownHandler {
            await runUntilStopped()
        } onGracefulShutdown: {
            self.state.withLock { $0.stopping = true }
            self.signal.signal()
        }
        do {
            let returned = try await store.releaseLeases(owner: owner, now: clock.now())
            if returned > 0 {
                logger.notice("returned unfinished messages to the queue", metadata: ["count": "\(returned)"])
            }
        } catch {
            // Their leases expire on their own; another run picks them up then.
            logger.error("could not return leases; they will expire", metadata: ["error": "\(error)"])
        }
        logger.info("dispatcher stopped")
    }

    private func runUntilStopped() async {
        await withDiscardingTaskGroup { group in
            var storeFailures = 0
            while !state.withLock({ $0.stopping }) && !Task.isCancelled {
                let (paused, inFlight) = state.withLock { ($0.paused, $0.inFlight) }
                let free = configuration.concurrency - inFlight
                // Refill in batches: claiming one message per freed slot would cost a write
                // transaction per message. With nothing in flight, any work is claimed at once.
                if paused || free == 0 || (free < minimumClaim && inFlight > 0) {
                    await signal.wait(timeout: configuration.pollInterval, clock: clock)
                    continue
                }
                let limit = min(free, configuration.batchSize)
                let claimed: [Message]
                do {
                    claimed = try await store.claim(ClaimParams(
                        owner: owner, limit: limit, now: clock.now(), leaseDuration: configuration.leaseDuration
                    ))
                    storeFailures = 0
                } catch {
                    storeFailures += 1
                    let wait = min(configuration.pollInterval * (1 << min(storeFailures, 5)), .seconds(30))
                    logger.error("claim failed; backing off", metadata: ["error": "\(error)", "wait": "\(wait)"])
                    await signal.wait(timeout: wait, clock: clock)
                    continue
                }
                state.withLock { $0.inFlight += claimed.count }
                for message in claimed {
                    group.addTask {
                        _ = await self.deliver(message)
                        self.releaseSlots(1)
                    }
                }
                if claimed.count < limit {
                    await signal.wait(timeout: nextWait(), clock: clock)
                }
            }
            await drain(cancelling: &group)
        }
    }

    /// Waits for in-flight sends up to the grace period, then cancels what is left.
    private func drain(cancelling group: inout DiscardingTaskGroup) async {
        let deadline = clock.now().adding(configuration.shutdownGrace)
        while inFlight > 0 {
            let left = deadline.timeIntervalSince(clock.now())
            guard left > 0 else {
                logger.warning("shutdown grace over; abandoning in-flight sends", metadata: ["count": "\(inFlight)"])
                group.cancelAll()
                return
            }
            await signal.wait(timeout: .milliseconds(Int64(left * 1000)), clock: clock)
        }
    }

    /// How long to sleep when nothing is due: the poll interval, or less when a retry this
    /// dispatcher scheduled comes sooner.
    private func nextWait() -> Duration {
        let now = clock.now()
        let retry = state.withLock { state -> Date? in
            if let earliest = state.earliestRetry, earliest <= now { state.earliestRetry = nil }
            return state.earliestRetry
        }
        guard let retry else { return configuration.pollInterval }
        return min(configuration.pollInterval, .milliseconds(Int64(max(0, retry.timeIntervalSince(now)) * 1000) + 1))
    }

    /// Sends one claimed message and records the result.
    /// - Returns: what was recorded; `nil` when the send was abandoned (shutdown past the grace).
    private func deliver(_ message: Message) async -> Completion.Resolution? {
        let started = clock.now()
        let startInstant = ContinuousClock.now
        let (resolution, report) = await attempt(message, startedAt: started)
        // Past the shutdown grace: leave the message leased; its lease is returned on the way out.
        if Task.isCancelled { return nil }

        let now = clock.now()
        let attempt = AttemptRecord(
            id: .generate(at: started),
            messageID: message.id,
            number: message.attempts,
            startedAt: started,
            duration: ContinuousClock.now - startInstant,
            httpStatus: report.httpStatus,
            outcome: resolution.attemptOutcome,
            error: resolution.error,
            responseExcerpt: report.responseExcerpt
        )
        state.withLock { state in
            switch resolution {
            case .sent, .dryRun: state.sent.record(at: now)
            case .retry(let at, _), .throttled(let at, _):
                state.retried.record(at: now)
                state.earliestRetry = min(state.earliestRetry ?? at, at)
            case .failed: state.failed.record(at: now)
            }
        }
        do {
            _ = try await store.complete([Completion(
                messageID: message.id, leaseOwner: owner, resolution: resolution, attempt: attempt, now: now
            )])
        } catch {
            // The message stays leased; when the lease expires it is claimed and sent again.
            logger.error("could not record an attempt", metadata: ["message": "\(message.id)", "error": "\(error)"])
        }
        return resolution
    }

    /// One attempt: nothing for an expired message, a rehearsal for a dry run, else a send
    /// through the message's channel with its profile as it is now.
    private func attempt(_ message: Message, startedAt: Date) async -> (Completion.Resolution, DeliveryReport) {
        if let expiresAt = message.expiresAt, expiresAt <= startedAt {
            return (.failed(error: "expired"), DeliveryReport(outcome: .failed(reason: "expired")))
        }
        guard let channel = channels[message.channel] else {
            let reason = "unknown channel \(message.channel)"
            return (.failed(error: reason), DeliveryReport(outcome: .failed(reason: reason)))
        }
        var profile: SenderProfile?
        if let id = message.profileID {
            do {
                profile = try await profiles?.profile(id: id)
            } catch {
                let reason = "could not read sender profile \(id)"
                logger.error("could not read a sender profile", metadata: ["profile": "\(id)", "error": "\(error)"])
                let report = DeliveryReport(outcome: .retry(reason: reason, after: nil))
                return (RetryDecision.resolve(report.outcome, attempt: message.attempts, policy: channel.retryPolicy, now: clock.now()), report)
            }
        }
        let request = DeliveryRequest(message: message, profile: profile, attempt: message.attempts)
        if message.dryRun {
            let rehearsal = channel.rehearse(request)
            logger.notice("\(rehearsal.logLine)", metadata: ["message": "\(message.id)"])
            return (.dryRun, DeliveryReport(outcome: .sent(providerMessageID: nil), responseExcerpt: String(rehearsal.summary.prefix(1024))))
        }
        let report = await channel.send(request)
        let resolution = RetryDecision.resolve(
            report.outcome, attempt: message.attempts, throttles: message.throttles, policy: channel.retryPolicy, now: clock.now()
        )
        return (resolution, report)
    }
}

extension Completion.Resolution {
    var attemptOutcome: AttemptOutcome {
        switch self {
        case .sent: .sent
        case .retry: .retry
        case .failed: .failed
        case .throttled: .throttled
        case .dryRun: .dryRun
        }
    }

    var error: String? {
        switch self {
        case .sent, .dryRun: nil
        case .retry(_, let error), .failed(let error), .throttled(_, let error): error
        }
    }
}
