import Foundation
import HeraldCore
import Synchronization

/// A channel for dispatcher tests: answers each send from a script (the last answer repeats),
/// can hold sends at a gate, and records how many ran at once.
final class ScriptedChannel: DeliveryChannel {
    let name = "scripted"
    let retryPolicy: RetryPolicy
    let timeout: Duration

    private struct State {
        var script: [DeliveryOutcome]
        var sends: [(MessageID, Int)] = []
        var sendTimes: [MessageID: [Date]] = [:]
        /// The access token each profile had when a message was sent with it.
        var profiles: [ProfileID: String] = [:]
        var active = 0
        var maxActive = 0
        var gateOpen: Bool
        var gateWaiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state: Mutex<State>
    private let limits: @Sendable (DeliveryRequest) -> RateLimitPlan
    private let clock: any WallClock
    /// Whether a held send cancelled still answers with its scripted outcome (the answer came in
    /// as the task was cancelled); otherwise it answers as an abandoned request does.
    private let answersWhenCancelled: Bool

    /// - Parameters:
    ///   - limits: the rate limits of each send (none by default).
    ///   - clock: what ``sendTimes`` are read from.
    init(
        script: [DeliveryOutcome] = [.sent(providerMessageID: "p-1")], retryPolicy: RetryPolicy, gateOpen: Bool = true,
        clock: any WallClock = SystemWallClock(), timeout: Duration = .seconds(10), answersWhenCancelled: Bool = false,
        limits: @escaping @Sendable (DeliveryRequest) -> RateLimitPlan = { _ in .none }
    ) {
        self.answersWhenCancelled = answersWhenCancelled
        self.retryPolicy = retryPolicy
        self.timeout = timeout
        self.state = Mutex(State(script: script, gateOpen: gateOpen))
        self.limits = limits
        self.clock = clock
    }

    func rateLimits(for request: DeliveryRequest) -> RateLimitPlan { limits(request) }

    /// When each message was sent, by the channel's clock.
    var sendTimes: [MessageID: [Date]] { state.withLock { $0.sendTimes } }

    var sends: [(MessageID, Int)] { state.withLock { $0.sends } }
    var profiles: [ProfileID: String] { state.withLock { $0.profiles } }
    var active: Int { state.withLock { $0.active } }
    var maxActive: Int { state.withLock { $0.maxActive } }

    func openGate() {
        let waiters = state.withLock { state in
            state.gateOpen = true
            defer { state.gateWaiters = [] }
            return state.gateWaiters
        }
        for waiter in waiters { waiter.resume() }
    }

    func prepare(_ draft: MessageDraft, profile: SenderProfile?) throws(HeraldError) -> MessageDraft { draft }

    func rehearse(_ request: DeliveryRequest) -> Rehearsal {
        Rehearsal(summary: "would send \(request.message.id)", logLine: "[DRY RUN] would send \(request.message.id)")
    }

    func send(_ request: DeliveryRequest) async -> DeliveryReport {
        let message = request.message
        let attempt = request.attempt
        let now = clock.now()
        let outcome = state.withLock { state in
            state.sends.append((message.id, attempt))
            state.sendTimes[message.id, default: []].append(now)
            if let profile = request.profile { state.profiles[profile.id] = profile.setting("access_token") }
            state.active += 1
            state.maxActive = max(state.maxActive, state.active)
            return state.script.count > 1 ? state.script.removeFirst() : state.script[0]
        }
        // Like a real HTTP send, a held send gives up when its task is cancelled.
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let open = state.withLock { state in
                    if !state.gateOpen && !Task.isCancelled { state.gateWaiters.append(continuation) }
                    return state.gateOpen || Task.isCancelled
                }
                if open { continuation.resume() }
            }
        } onCancel: {
            openGate()
        }
        state.withLock { $0.active -= 1 }
        if Task.isCancelled && !answersWhenCancelled {
            return DeliveryReport(outcome: .retry(reason: "cancelled before an answer came", after: nil))
        }
        let status: Int? = switch outcome {
        case .sent: 200
        case .retry: 503
        case .throttled: 429
        case .failed: 400
        }
        return DeliveryReport(outcome: outcome, httpStatus: status)
    }
}
