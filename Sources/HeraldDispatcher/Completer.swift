import Foundation
import HeraldCore
import HeraldMetrics
import HeraldStore
import Logging
import Synchronization

/// Records what became of each claimed message — an attempt's outcome or a deferral — guarded
/// by "still under the lease it was claimed with" (the store's group commit batches concurrent
/// records into one transaction), with the status event the outcome raises for its tenant,
/// keeps the last minute's counts, and tells the wake schedule when work comes back. A result
/// the store refuses (the lease expired and the message was claimed again) is logged.
final class Completer: Sendable {
    private struct Counts {
        var sent = RateWindow()
        var retried = RateWindow()
        var failed = RateWindow()
    }

    private let store: any MessageStore
    private let held: HeldLeases
    private let wakeSchedule: WakeSchedule
    private let signal: WorkSignal
    private let events: TenantDeliveryDirectory?
    private let metrics: HeraldMetrics
    private let logger: Logger
    private let counts = Mutex(Counts())
    /// The most of an answer any channel keeps, however it was configured.
    static let excerptLimit = 64 * 1024

    init(store: any MessageStore, held: HeldLeases, wakeSchedule: WakeSchedule, events: TenantDeliveryDirectory?, metrics: HeraldMetrics, logger: Logger) {
        self.store = store
        self.metrics = metrics
        self.events = events
        self.signal = store.workSignal
        self.held = held
        self.wakeSchedule = wakeSchedule
        self.logger = logger
    }

    /// Records one attempt (or, with `requestSent` false, an outcome reached without sending).
    /// Text that came from outside (an excerpt, a provider's reason or id) is stored cleaned
    /// (``StorableText``): no answer can make a result unrecordable.
    func record(
        _ message: Message, _ resolution: Completion.Resolution, report: DeliveryReport,
        startedAt: Date, duration: Duration, requestSent: Bool, now: Date
    ) async {
        let resolution = resolution.storable
        let attempt = AttemptRecord(
            id: .generate(at: startedAt),
            messageID: message.id,
            number: message.attempts + 1,
            startedAt: startedAt,
            duration: duration,
            httpStatus: report.httpStatus,
            outcome: resolution.attemptOutcome,
            error: resolution.error,
            responseExcerpt: report.responseExcerpt.map { StorableText.clean($0, limit: Self.excerptLimit) }
        )
        if case .deferred = resolution {} else {
            metrics.delivery(channel: message.channel, outcome: resolution.attemptOutcome.rawValue, duration: duration)
        }
        counts.withLock { counts in
            switch resolution {
            case .sent, .dryRun: counts.sent.record(at: now)
            case .retry, .throttled: counts.retried.record(at: now)
            case .failed: counts.failed.record(at: now)
            case .deferred: break
            }
        }
        let comesBack: Date? = switch resolution {
        case .retry(let at, _), .throttled(let at, _): at
        default: nil
        }
        defer { if let comesBack { wakeUp(at: comesBack) } }
        var completion = Completion(
            messageID: message.id, lease: Self.lease(of: message), resolution: resolution, attempt: attempt, requestSent: requestSent,
            now: now
        )
        completion.event = await event(for: message, after: completion)
        await write([(message, completion)])
    }

    /// The status event `completion` raises for the message's tenant, if it takes events.
    private func event(for message: Message, after completion: Completion) async -> Message? {
        guard let events, message.kind == .message, EventType(reaching: completion.targetStatus) != nil else { return nil }
        let subscriptions: EventSubscriptions
        do {
            subscriptions = try await events.subscriptions()
        } catch {
            logger.error("could not read which tenants take events; this outcome raises none", metadata: [
                "message": "\(message.id)", "error": "\(error)",
            ])
            return nil
        }
        guard subscriptions.urls[message.tenantID] != nil else { return nil }
        var updated = message
        updated.apply(completion)
        return subscriptions.statusEvent(for: updated, now: completion.now)
    }

    /// Puts messages back to wait for a rate limit: no attempt, their turn held.
    func deferAll(_ waiting: [(message: Message, until: Date)], now: Date) async {
        guard !waiting.isEmpty else { return }
        await write(waiting.map {
            ($0.message, Completion(messageID: $0.message.id, lease: Self.lease(of: $0.message), resolution: .deferred(until: $0.until), attempt: nil, now: now))
        })
        if let first = waiting.map(\.until).min() { wakeUp(at: first) }
        for entry in waiting { wakeSchedule.add(entry.until) }
    }

    /// Puts messages back in the queue without an attempt, their leases returned (they are due
    /// now); a message claimed again meanwhile is left to its new holder.
    func putBack(_ messages: [Message], now: Date, reason: String) async {
        let leases = Dictionary(messages.map { ($0.id, Self.lease(of: $0)) }, uniquingKeysWith: { first, _ in first })
        logger.notice("messages put back without an attempt", metadata: [
            "messages": "\(messages.map(\.id.rawValue).joined(separator: ","))", "reason": "\(reason)",
        ])
        do {
            _ = try await store.releaseLeases(leases, now: now)
            for (id, lease) in leases { held.forget(id, lease) }
        } catch {
            // Their leases expire on their own; another claim picks them up then.
            logger.error("could not put messages back; their leases will expire", metadata: ["error": "\(error)"])
        }
    }

    /// Schedules a wake-up at `moment`, waking the dispatcher now if it sleeps past it.
    private func wakeUp(at moment: Date) {
        if wakeSchedule.add(moment) { signal.signal() }
    }

    /// Attempts that ended in the last minute: sent, retried, failed.
    func lastMinute(at now: Date) -> (sent: Int, retried: Int, failed: Int) {
        counts.withLock { ($0.sent.total(at: now), $0.retried.total(at: now), $0.failed.total(at: now)) }
    }

    /// The lease a claimed message carries (a claim always gives one; an unleased message —
    /// version 0, never claimed — can match nothing).
    private static func lease(of message: Message) -> LeaseToken {
        message.lease?.token ?? LeaseToken(owner: "", version: 0)
    }

    /// Writes results. When the database refuses a batch (rather than being unreachable), each
    /// is written alone; one it still refuses ends its message `failed` with reason
    /// ``unrecordable`` (the refusal kept in its delivery log), never a silent re-send.
    private func write(_ entries: [(message: Message, completion: Completion)]) async {
        let completions = entries.map(\.completion)
        do {
            let applied = try await store.complete(completions)
            for (completion, applied) in zip(completions, applied) {
                held.forget(completion.messageID, completion.lease)
                if !applied {
                    logger.warning("stale result refused: the message was claimed again after this lease expired", metadata: [
                        "message": "\(completion.messageID)", "lease": "\(completion.lease)",
                        "outcome": "\(completion.targetStatus.rawValue)",
                    ])
                }
            }
        } catch where StoreError.isRefusal(error) && entries.count > 1 {
            for entry in entries { await write([entry]) }
        } catch where StoreError.isRefusal(error) && entries[0].completion.resolution != .failed(error: Self.unrecordable) {
            await recordUnrecordable(entries[0].message, entries[0].completion, refusal: error)
        } catch {
            // The messages stay leased; when the lease expires they are claimed again.
            logger.error("could not record attempts", metadata: [
                "messages": "\(completions.map(\.messageID.rawValue).joined(separator: ","))", "error": "\(error)",
            ])
        }
    }

    /// The reason a message ends with when its result cannot be recorded.
    static let unrecordable = "unrecordable_result"

    /// Ends the message `failed` with reason ``unrecordable``, in place of the result the
    /// database refused; its delivery log keeps the attempt and why the database refused it.
    private func recordUnrecordable(_ message: Message, _ refused: Completion, refusal: any Error) async {
        logger.error("the database refused to record an attempt's result; the message ends failed (unrecordable_result)", metadata: [
            "message": "\(message.id)", "outcome": "\(refused.targetStatus.rawValue)", "error": "\(refusal)",
        ])
        let now = refused.now
        let attempt = refused.attempt
        var completion = Completion(
            messageID: refused.messageID, lease: refused.lease, resolution: .failed(error: Self.unrecordable),
            attempt: AttemptRecord(
                id: .generate(at: now), messageID: message.id, number: attempt?.number ?? message.attempts + 1,
                startedAt: attempt?.startedAt ?? now, duration: attempt?.duration ?? .zero, httpStatus: attempt?.httpStatus, outcome: .failed,
                error: StorableText.clean("\(Self.unrecordable): \(refused.targetStatus.rawValue) could not be recorded: \(refusal)", limit: 1024),
                responseExcerpt: nil
            ),
            requestSent: refused.requestSent, now: now
        )
        completion.event = await event(for: message, after: completion)
        await write([(message, completion)])
    }
}

extension Completion.Resolution {
    /// The resolution with its text cleaned for storing (``StorableText``).
    var storable: Completion.Resolution {
        switch self {
        case .sent(let id): .sent(providerMessageID: id.map { StorableText.clean($0, limit: 512) })
        case .retry(let at, let error): .retry(at: at, error: StorableText.clean(error, limit: 4096))
        case .failed(let error): .failed(error: StorableText.clean(error, limit: 4096))
        case .throttled(let at, let error): .throttled(at: at, error: StorableText.clean(error, limit: 4096))
        case .dryRun, .deferred: self
        }
    }

    var attemptOutcome: AttemptOutcome {
        switch self {
        case .sent: .sent
        case .retry: .retry
        case .failed: .failed
        case .throttled, .deferred: .throttled
        case .dryRun: .dryRun
        }
    }

    var error: String? {
        switch self {
        case .sent, .dryRun, .deferred: nil
        case .retry(_, let error), .failed(let error), .throttled(_, let error): error
        }
    }
}
