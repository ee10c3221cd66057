import Foundation
public import HeraldCore
public import HeraldMetrics
public import HeraldStore
public import Logging
public import ServiceLifecycle
import Synchronization

/// Claims due messages in batches, sends them with bounded concurrency, and records outcomes —
/// the ``Service`` that runs the parts with one job each: the claimer, the admission (expiry,
/// profiles, rate limits), the send pool, the completer, and the rate-limiter registry.
///
/// It wakes as soon as the store signals new work, and otherwise only when work it knows of
/// comes back (a retry, a message put back for a rate limit, a bucket opening);
/// ``DispatcherConfiguration/pollInterval`` is the fallback for the rest. A message whose
/// bucket is empty is put back holding its turn — no attempt counted, no slot or lease held
/// while it waits — and the claims leave its key's new messages out, so other senders' messages
/// keep flowing. Pauses are stored (``PauseDirectory``): while the server is paused nothing is
/// claimed, and a paused tenant's messages are left out of claims. On graceful shutdown it
/// stops claiming, lets in-flight sends finish within ``DispatcherConfiguration/shutdownGrace``,
/// cancels the rest, and returns their leases.
///
/// ```swift
/// let dispatcher = Dispatcher(store: store, channels: channels, configuration: try .init(), logger: logger)
/// let group = ServiceGroup(services: [dispatcher], gracefulShutdownSignals: [.sigterm], logger: logger)
/// try await group.run()
/// ```
public final class Dispatcher: Service {
    private struct State {
        var stopping = false
        var wakeUps = 0
        /// While idle: the work signals sent when it began to wait.
        var idleSince: Int?
        var lastCycle: DispatchCycle?
        /// Where the next claim starts the tenants' turn (``ClaimFairness/rotation``).
        var rotation = 0
    }

    /// This process's lease owner id.
    public let owner: String
    /// The process's token buckets.
    public let limiter: RateLimiterRegistry
    /// The stored pauses, as this dispatcher reads them.
    public let pauses: PauseDirectory
    private let store: any MessageStore
    private let configuration: DispatcherConfiguration
    private let clock: any WallClock
    private let logger: Logger
    private let state: Mutex<State>
    private let pool: SendPool
    private let claimer: Claimer
    private let admission: Admission
    private let completer: Completer
    private let wakeSchedule = WakeSchedule()
    private let held = HeldLeases()
    private let ledger: InFlightLedger
    private let membership: @Sendable () -> Int?
    private var signal: WorkSignal { store.workSignal }

    /// - Parameters:
    ///   - profiles: where the sender profiles messages name are read; `nil` when no message
    ///     has one (a message naming a profile then fails).
    ///   - limiter: the token buckets; give one shared by the process's limits (on PostgreSQL,
    ///     one that divides them by the live processes).
    ///   - events: the tenants that take status events; `nil` raises none.
    ///   - metrics: where deliveries, retries and claim sizes are counted.
    ///   - membership: this process's membership of the cluster now: an epoch number while it
    ///     may claim and send, `nil` while it may not. On PostgreSQL, `nil` once its last
    ///     successful heartbeat is older than `database.process_timeout` (another process may
    ///     have taken its messages over), and a new epoch once it has registered again: a
    ///     message claimed in an earlier epoch is put back, not sent. Checked before every
    ///     claim and every send; always epoch 0 for an embedded store.
    public init(
        store: any MessageStore & PauseStore,
        profiles: ProfileCache? = nil,
        events: TenantDeliveryDirectory? = nil,
        channels: ChannelRegistry,
        configuration: DispatcherConfiguration,
        limiter: RateLimiterRegistry = RateLimiterRegistry(),
        clock: any WallClock = SystemWallClock(),
        owner: String = Dispatcher.makeOwnerID(),
        metrics: HeraldMetrics = .off,
        membership: @escaping @Sendable () -> Int? = { 0 },
        logger: Logger
    ) {
        self.membership = membership
        self.store = store
        self.configuration = configuration
        self.limiter = limiter
        self.clock = clock
        self.owner = owner
        self.logger = logger
        self.state = Mutex(State())
        self.pauses = PauseDirectory(store: store)
        pool = SendPool(
            capacity: configuration.concurrency,
            minimumClaim: max(1, min(configuration.batchSize, configuration.concurrency) / 4),
            signal: store.workSignal
        )
        claimer = Claimer(store: store, limiter: limiter, owner: owner, leaseDuration: configuration.leaseDuration, held: held, metrics: metrics)
        ledger = InFlightLedger(tenantShare: configuration.tenantSlots, perDestination: configuration.destinationSlots)
        admission = Admission(
            channels: channels, profiles: profiles, limiter: limiter, pacing: store as? any PacingStore, maxClaims: configuration.maxClaims,
            logger: logger
        )
        completer = Completer(store: store, held: held, wakeSchedule: wakeSchedule, events: events, metrics: metrics, logger: logger)
    }

    /// A lease owner id unique to this process: host, pid and a random suffix.
    public static func makeOwnerID() -> String {
        let host = ProcessInfo.processInfo.hostName
        let pid = ProcessInfo.processInfo.processIdentifier
        return "\(host):\(pid):\(UInt32.random(in: 0...UInt32.max))"
    }

    /// Send slots taken now: messages between claim and recorded outcome, and slots reserved
    /// for a claim under way.
    public var inFlight: Int { pool.inFlight }

    /// Messages claimed by this process and not yet finished: what operators are shown as in
    /// flight (a claim under way reserves slots for messages that may not exist).
    public var messagesInFlight: Int { ledger.count }

    /// How many times the idle dispatcher woke up (signalled, timed out, or a bucket opened).
    public var wakeUps: Int { state.withLock { $0.wakeUps } }

    /// Whether it is waiting with nothing in flight and nothing has signalled it since it began
    /// to wait: everything it knows of is handled (tests moving a manual clock wait for this).
    public var isSettled: Bool {
        let signals = signal.signals
        return pool.inFlight == 0 && state.withLock { $0.idleSince == signals }
    }

    /// Pauses (`paused` true) or resumes the server's or one tenant's dispatching, in the store:
    /// every process on the database follows within a second, this one at once. In-flight
    /// sends finish.
    /// - Returns: `false` when it was already so.
    @discardableResult
    public func setPaused(_ paused: Bool, _ scope: PauseScope) async throws -> Bool {
        let changed = try await pauses.set(paused, scope: scope, now: clock.now())
        signal.signal()
        return changed
    }

    /// What is in flight, and what happened in the last minute.
    public var status: DispatcherStatus {
        let now = clock.now()
        let (sent, retried, failed) = completer.lastMinute(at: now)
        return state.withLock { state in
            DispatcherStatus(
                inFlight: ledger.count, concurrency: configuration.concurrency,
                sentLastMinute: sent, retriedLastMinute: retried, failedLastMinute: failed, lastCycle: state.lastCycle
            )
        }
    }

    /// Claims one batch now and sends it, whether or not the server is paused; answers what it
    /// did once every attempt is recorded. With `tenant`, only that tenant's messages are
    /// claimed (paused or not: it asked); without, every tenant's but the paused ones'. It
    /// sends through the slots the background loop leaves free (reserved for the whole cycle),
    /// so the two together never exceed the configured concurrency; with no slot free it claims
    /// nothing.
    /// - Throws: a store error when the claim or the pauses' read fails.
    public func runCycle(tenant: TenantID? = nil) async throws -> DispatchCycle {
        let started = clock.now()
        let paused = tenant == nil ? try await pauses.current().tenants : []
        // Reserve the free slots before claiming, so the loop cannot take them meanwhile.
        let slots = pool.reserve(upTo: configuration.concurrency)
        let epoch = membership()
        let claimed: [Message]
        do {
            // No more than the slots reserved: a message claimed but waiting for a slot would
            // see its lease run out and be claimed (and sent) again.
            claimed = slots == 0 || epoch == nil ? [] : try await claim(
                limit: min(configuration.batchSize, slots), now: started, excludedTenants: paused, onlyTenant: tenant
            )
        } catch {
            pool.release(slots)
            throw error
        }
        var cycle = DispatchCycle(startedAt: started, finishedAt: started, claimed: claimed.count)
        let (finished, sends) = await dispatch(claimed, epoch: epoch ?? 0)
        for resolution in finished { cycle.count(resolution) }
        let used = min(slots, sends.count)
        // The background loop may have been waiting for the slots this cycle does not need.
        pool.release(slots - used)
        await withTaskGroup(of: Completion.Resolution?.self) { group in
            var waiting = sends.makeIterator()
            // Each reserved slot sends one message after another, then is given back.
            for _ in 0..<used {
                if let send = waiting.next() { group.addTask(operation: send) }
            }
            for await resolution in group {
                cycle.count(resolution)
                if let send = waiting.next() {
                    group.addTask(operation: send)
                } else {
                    pool.release(1)
                }
            }
        }
        cycle.finishedAt = clock.now()
        state.withLock { $0.lastCycle = cycle }
        return cycle
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
            let returned = try await store.releaseLeases(held.all, now: clock.now())
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
                let pauses: DispatchPauses
                do {
                    pauses = try await self.pauses.current()
                } catch {
                    // Never read: the claim would fail the same way. Wait as for a failed claim.
                    storeFailures += 1
                    let wait = min(configuration.pollInterval * (1 << min(storeFailures, 5)), .seconds(30))
                    logger.error("could not read the stored pauses; backing off", metadata: ["error": "\(error)", "wait": "\(wait)"])
                    await signal.wait(timeout: wait, clock: clock)
                    continue
                }
                // Refill in batches: claiming one message per freed slot would cost a write
                // transaction per message. With nothing in flight, any work is claimed at once.
                if pauses.server || !pool.canClaim {
                    await idle(pauses.server ? configuration.pollInterval : nil)
                    continue
                }
                // Another process may hold this one's messages by now: claim nothing until the
                // membership is renewed.
                guard let epoch = membership() else {
                    await idle(min(configuration.pollInterval, .milliseconds(200)))
                    continue
                }
                let slots = pool.reserve(upTo: configuration.batchSize)
                let claimed: [Message]
                do {
                    claimed = try await claim(limit: slots, now: clock.now(), excludedTenants: pauses.tenants, onlyTenant: nil)
                    storeFailures = 0
                } catch {
                    pool.returnUnused(slots)
                    storeFailures += 1
                    let wait = min(configuration.pollInterval * (1 << min(storeFailures, 5)), .seconds(30))
                    logger.error("claim failed; backing off", metadata: ["error": "\(error)", "wait": "\(wait)"])
                    await signal.wait(timeout: wait, clock: clock)
                    continue
                }
                pool.returnUnused(slots - claimed.count)
                let (finished, sends) = await dispatch(claimed, epoch: epoch)
                pool.release(finished.count)
                for send in sends {
                    group.addTask {
                        _ = await send()
                        self.pool.release(1)
                    }
                }
                if claimed.count < slots { await idle(nil) }
            }
            await drain(cancelling: &group)
        }
    }

    /// Claims fairly between tenants, within their share of the slots and the destinations'
    /// bounds, and counts what it took in flight.
    private func claim(limit: Int, now: Date, excludedTenants: Set<TenantID>, onlyTenant: TenantID?) async throws -> [Message] {
        let fairness = ledger.fairness(rotation: state.withLock { $0.rotation })
        let claimed = try await claimer.claim(
            limit: limit, now: now, excludedTenants: excludedTenants, onlyTenant: onlyTenant, fairness: fairness
        )
        // Places freed while the claim ran may make the next one worth it already.
        if ledger.add(claimed, short: claimed.count < limit) { signal.signal() }
        // The next claim starts its turn of tenants past those this one served.
        state.withLock { $0.rotation &+= Set(claimed.map(\.tenantID)).count + 1 }
        return claimed
    }

    /// Counts a message out of flight, and wakes the dispatcher when its tenant or destination
    /// has room again for a claim that stopped short of it.
    private func landed(_ message: Message) {
        if ledger.remove(message) { signal.signal() }
    }

    /// Waits for new work, for work it knows comes back, or for the poll interval.
    private func idle(_ timeout: Duration?) async {
        let seen = signal.signals
        let until = timeout.map { clock.now().adding($0) } ?? nextWake()
        state.withLock { $0.idleSince = seen }
        await signal.wait(until: until, clock: clock)
        state.withLock { state in
            state.idleSince = nil
            state.wakeUps += 1
        }
    }

    /// Decides for each claimed message; what needs no send is recorded here.
    /// - Parameter epoch: the membership the messages were claimed in.
    /// - Returns: the resolutions recorded without a send (a deferral among them), and the
    ///   sends to run. The caller gives back the slots.
    private func dispatch(_ claimed: [Message], epoch: Int) async -> (finished: [Completion.Resolution?], sends: [@Sendable () async -> Completion.Resolution?]) {
        guard !claimed.isEmpty else { return ([], []) }
        let now = clock.now()
        var waiting: [(message: Message, until: Date)] = []
        var finished: [Completion.Resolution?] = []
        var sends: [@Sendable () async -> Completion.Resolution?] = []
        var overBound: [Message] = []
        for decision in await admission.admit(claimed, now: now) {
            switch decision {
            case .wait(let message, let until):
                waiting.append((message, until))
            case .finish(let message, let resolution, let report):
                await completer.record(message, resolution, report: report, startedAt: now, duration: .zero, requestSent: false, now: now)
                finished.append(resolution)
                landed(message)
            case .send(let request, _) where ledger.isOverBound(request.message):
                // Its destination has every send it may have (a cycle on request raced the loop).
                overBound.append(request.message)
            case .send(let request, let channel):
                sends.append {
                    defer { self.landed(request.message) }
                    return await self.send(request, through: channel, claimedIn: epoch)
                }
            case .rehearse(let request, let channel):
                sends.append {
                    defer { self.landed(request.message) }
                    return await self.rehearse(request, through: channel)
                }
            }
        }
        if !waiting.isEmpty {
            await completer.deferAll(waiting, now: now)
            finished += waiting.map { .deferred(until: $0.until) }
            for entry in waiting { landed(entry.message) }
        }
        if !overBound.isEmpty {
            await completer.putBack(overBound, now: now, reason: "its destination has as many messages in flight as it may (twice dispatcher.connections_per_host)")
            finished += overBound.map { _ in nil }
            for message in overBound { landed(message) }
        }
        return (finished, sends)
    }

    /// Sends one message and records the result — unless its lease has less than the channel's
    /// timeout and a second left, or this process's membership lapsed since the claim (another
    /// process may hold the message by now): then it is put back without an attempt.
    /// - Returns: what was recorded; `nil` when nothing was (put back, or abandoned at shutdown).
    private func send(_ request: DeliveryRequest, through channel: any DeliveryChannel, claimedIn epoch: Int) async -> Completion.Resolution? {
        let started = clock.now()
        guard membership() == epoch else {
            await completer.putBack([request.message], now: started, reason: "this process's membership lapsed after the claim")
            return nil
        }
        guard let lease = request.message.lease, lease.expiresAt.timeIntervalSince(started) >= (channel.timeout + .seconds(1)).seconds else {
            await completer.putBack([request.message], now: started, reason: "its lease has less than the channel's timeout and a second left")
            return nil
        }
        let startInstant = ContinuousClock.now
        let report = await channel.send(request)
        // The destination has its answer: its next send need not wait for this one's record.
        if ledger.answered(request.message) { signal.signal() }
        // Past the shutdown grace: a sent answer is recorded (it went out); anything else
        // leaves the message leased, and its lease is returned on the way out.
        if Task.isCancelled, case .sent = report.outcome {} else if Task.isCancelled { return nil }
        let now = clock.now()
        if case .throttled(_, let after, let limit) = report.outcome, let key = limit ?? request.message.throttleKey {
            limiter.throttled(key, now: now, after: after)
        }
        let message = request.message
        let resolution = RetryDecision.resolve(
            report.outcome, attempt: message.attempts + 1, throttles: message.throttles, policy: channel.retryPolicy, now: now
        )
        await completer.record(
            message, resolution, report: report, startedAt: started, duration: ContinuousClock.now - startInstant, requestSent: true, now: now
        )
        return resolution
    }

    /// A dry run: logs and records what would have gone out.
    private func rehearse(_ request: DeliveryRequest, through channel: any DeliveryChannel) async -> Completion.Resolution? {
        let now = clock.now()
        let rehearsal = channel.rehearse(request)
        logger.notice("\(rehearsal.logLine)", metadata: ["message": "\(request.message.id)"])
        let report = DeliveryReport(outcome: .sent(providerMessageID: nil), responseExcerpt: String(rehearsal.summary.prefix(1024)))
        await completer.record(request.message, .dryRun, report: report, startedAt: now, duration: .zero, requestSent: true, now: now)
        return .dryRun
    }

    /// Waits for in-flight sends up to the grace period, then cancels what is left.
    private func drain(cancelling group: inout DiscardingTaskGroup) async {
        let deadline = clock.now().adding(configuration.shutdownGrace)
        while pool.inFlight > 0 {
            let left = deadline.timeIntervalSince(clock.now())
            guard left > 0 else {
                logger.warning("shutdown grace over; abandoning in-flight sends", metadata: ["count": "\(pool.inFlight)"])
                group.cancelAll()
                return
            }
            // Sends ending do not signal; look again every few milliseconds.
            await signal.wait(timeout: .milliseconds(min(20, Int64(left * 1000) + 1)), clock: clock)
        }
    }

    /// When to wake when nothing is due: when the next retry or deferral comes back, or a bucket
    /// opens for the messages claims left out, or after the poll interval.
    private func nextWake() -> Date {
        let now = clock.now()
        let poll = now.adding(configuration.pollInterval)
        guard let next = [wakeSchedule.next(after: now), limiter.nextOpening(now: now)].compactMap({ $0 }).min() else { return poll }
        // On a whole millisecond, rounded up (stores keep milliseconds): never just before it is due.
        return min(poll, Date(timeIntervalSince1970: (next.timeIntervalSince1970 * 1000).rounded(.up) / 1000))
    }
}

extension DispatchCycle {
    mutating func count(_ resolution: Completion.Resolution?) {
        switch resolution {
        case .sent?, .dryRun?: sent += 1
        case .retry?, .throttled?: retried += 1
        case .failed?: failed += 1
        case .deferred?, nil: break
        }
    }
}
