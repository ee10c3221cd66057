import Foundation
import HeraldCore
import HeraldDispatcher
import HeraldStore
import HeraldTestSupport
import Logging
import ServiceLifecycle
import Testing

struct DispatcherTests {
    static let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    static func message(_ clock: any WallClock) -> Message {
        Message(id: .generate(at: clock.now()), draft: MessageDraft(channel: "scripted", content: "hi"), now: clock.now())
    }

    /// Runs the dispatcher under a service group while `body` runs, then shuts it down gracefully.
    static func running<T: Sendable>(_ dispatcher: Dispatcher, _ body: () async throws -> T) async throws -> T {
        try await withRunningServices([dispatcher]) { _ in try await body() }
    }

    static func status(_ store: InMemoryStore, _ id: MessageID) async throws -> MessageStatus? {
        try await store.message(id: id, tenant: nil)?.status
    }

    @Test func deliversAndRecordsTheAttempt() async throws {
        let clock = ManualClock()
        let store = InMemoryStore()
        let channel = ScriptedChannel(retryPolicy: .chatDefault)
        let dispatcher = Dispatcher(store: store, channels: ChannelRegistry([channel]), configuration: try .init(), clock: clock, logger: Self.logger)
        let message = Self.message(clock)
        _ = try await store.enqueue([message])
        try await Self.running(dispatcher) {
            let held1 = try await eventually { try await Self.status(store, message.id) == .sent }
            #expect(held1)
        }
        let stored = try #require(try await store.message(id: message.id, tenant: nil))
        #expect(stored.providerMessageID == "p-1")
        let attempts = try await store.attempts(messageID: message.id)
        #expect(attempts.map(\.number) == [1])
        #expect(attempts.map(\.outcome) == [.sent])
        #expect(attempts.first?.httpStatus == 200)
    }

    @Test func wakesOnNewWorkWithoutWaitingForThePoll() async throws {
        // The manual clock never moves, so only the store's signal can wake the dispatcher.
        let clock = ManualClock()
        let store = InMemoryStore()
        let channel = ScriptedChannel(retryPolicy: .chatDefault)
        let dispatcher = Dispatcher(
            store: store, channels: ChannelRegistry([channel]),
            configuration: try .init(pollInterval: .seconds(3600)), clock: clock, logger: Self.logger
        )
        try await Self.running(dispatcher) {
            let held2 = await eventually { clock.sleeperCount > 0 }
            #expect(held2, "the dispatcher should be idle, waiting")
            let message = Self.message(clock)
            _ = try await store.enqueue([message])
            let held3 = try await eventually(timeout: .seconds(5)) { try await Self.status(store, message.id) == .sent }
            #expect(held3)
        }
    }

    @Test func retriesAfterThePolicyDelayThenSucceeds() async throws {
        let clock = ManualClock()
        let store = InMemoryStore()
        let policy = try RetryPolicy.explicit([.seconds(10)], jitter: 0)
        let channel = ScriptedChannel(script: [.retry(reason: "HTTP 503", after: nil), .sent(providerMessageID: nil)], retryPolicy: policy)
        let dispatcher = Dispatcher(store: store, channels: ChannelRegistry([channel]), configuration: try .init(), clock: clock, logger: Self.logger)
        let message = Self.message(clock)
        _ = try await store.enqueue([message])
        try await Self.running(dispatcher) {
            let held4 = try await eventually { try await store.message(id: message.id, tenant: nil)?.lastError == "HTTP 503" }
            #expect(held4)
            let waiting = try #require(try await store.message(id: message.id, tenant: nil))
            #expect(waiting.status == .queued)
            #expect(waiting.nextAttemptAt == clock.now().addingTimeInterval(10))
            clock.advance(by: .seconds(9))
            try await Task.sleep(for: .milliseconds(50))
            #expect(channel.sends.count == 1)
            clock.advance(by: .seconds(1))
            let held5 = try await eventually {
                if try await Self.status(store, message.id) == .sent { return true }
                // Under load the dispatcher may start its wait only after the clock moved; its
                // deadline is then measured from the new time, so keep time moving.
                clock.advance(by: .milliseconds(100))
                return false
            }
            #expect(held5)
        }
        #expect(channel.sends.map(\.1) == [1, 2])
        #expect(try await store.attempts(messageID: message.id).map(\.outcome) == [.retry, .sent])
    }

    @Test func retryAfterFromTheProviderSetsTheNextAttempt() async throws {
        let clock = ManualClock()
        let store = InMemoryStore()
        let channel = ScriptedChannel(script: [.retry(reason: "HTTP 429", after: .seconds(120))], retryPolicy: try .explicit([.seconds(1)], jitter: 0))
        let dispatcher = Dispatcher(store: store, channels: ChannelRegistry([channel]), configuration: try .init(), clock: clock, logger: Self.logger)
        let message = Self.message(clock)
        _ = try await store.enqueue([message])
        try await Self.running(dispatcher) {
            let held6 = try await eventually { try await store.message(id: message.id, tenant: nil)?.lastError == "HTTP 429" }
            #expect(held6)
        }
        #expect(try await store.message(id: message.id, tenant: nil)?.nextAttemptAt == clock.now().addingTimeInterval(120))
    }

    @Test func givesUpWhenAttemptsAreExhausted() async throws {
        let clock = ManualClock()
        let store = InMemoryStore()
        let channel = ScriptedChannel(script: [.retry(reason: "HTTP 500", after: nil)], retryPolicy: try .explicit([.seconds(1)], jitter: 0))
        let dispatcher = Dispatcher(store: store, channels: ChannelRegistry([channel]), configuration: try .init(), clock: clock, logger: Self.logger)
        let message = Self.message(clock)
        _ = try await store.enqueue([message])
        try await Self.running(dispatcher) {
            let held7 = await eventually { channel.sends.count == 1 }
            #expect(held7)
            let held8 = try await eventually { try await Self.status(store, message.id) == .queued }
            #expect(held8)
            clock.advance(by: .seconds(1))
            let held9 = try await eventually { try await Self.status(store, message.id) == .failed }
            #expect(held9)
        }
        let stored = try #require(try await store.message(id: message.id, tenant: nil))
        #expect(stored.lastError == "gave up after 2 attempts: HTTP 500")
        #expect(try await store.attempts(messageID: message.id).map(\.outcome) == [.retry, .failed])
    }

    @Test func aPermanentFailureFailsAtOnce() async throws {
        let clock = ManualClock()
        let store = InMemoryStore()
        let channel = ScriptedChannel(script: [.failed(reason: "HTTP 410")], retryPolicy: .chatDefault)
        let dispatcher = Dispatcher(store: store, channels: ChannelRegistry([channel]), configuration: try .init(), clock: clock, logger: Self.logger)
        let message = Self.message(clock)
        _ = try await store.enqueue([message])
        try await Self.running(dispatcher) {
            let held10 = try await eventually { try await Self.status(store, message.id) == .failed }
            #expect(held10)
        }
        #expect(channel.sends.count == 1)
        #expect(try await store.message(id: message.id, tenant: nil)?.lastError == "HTTP 410")
    }

    @Test func neverExceedsItsConcurrency() async throws {
        let clock = ManualClock()
        let store = InMemoryStore()
        let channel = ScriptedChannel(retryPolicy: .chatDefault, gateOpen: false)
        let dispatcher = Dispatcher(
            store: store, channels: ChannelRegistry([channel]),
            configuration: try .init(concurrency: 3), clock: clock, logger: Self.logger
        )
        let messages = (0..<10).map { _ in Self.message(clock) }
        _ = try await store.enqueue(messages)
        try await Self.running(dispatcher) {
            let held11 = await eventually { channel.active == 3 }
            #expect(held11)
            try await Task.sleep(for: .milliseconds(50))
            #expect(channel.active == 3)
            #expect(dispatcher.inFlight == 3)
            channel.openGate()
            for message in messages {
                let held12 = try await eventually { try await Self.status(store, message.id) == .sent }
                #expect(held12)
            }
        }
        #expect(channel.maxActive == 3)
        #expect(channel.sends.count == 10)
    }

    @Test func aStoredServerPauseStopsClaimingAndResumeContinues() async throws {
        let clock = ManualClock()
        let store = InMemoryStore()
        let channel = ScriptedChannel(retryPolicy: .chatDefault)
        // Paused before the dispatcher exists: as another process, or an earlier run, left it.
        #expect(try await store.setPaused(true, scope: .server, now: clock.now()))
        let dispatcher = Dispatcher(store: store, channels: ChannelRegistry([channel]), configuration: try .init(), clock: clock, logger: Self.logger)
        #expect(try await dispatcher.setPaused(true, .server) == false)
        let message = Self.message(clock)
        _ = try await store.enqueue([message])
        try await Self.running(dispatcher) {
            try await Task.sleep(for: .milliseconds(100))
            #expect(try await Self.status(store, message.id) == .queued)
            #expect(try await dispatcher.setPaused(false, .server) == true)
            let sent = try await eventually { try await Self.status(store, message.id) == .sent }
            #expect(sent)
            #expect(try await dispatcher.setPaused(false, .server) == false)
        }
    }

    @Test func aPausedTenantsMessagesWaitWhileOthersGo() async throws {
        let clock = ManualClock()
        let store = InMemoryStore()
        let channel = ScriptedChannel(retryPolicy: .chatDefault)
        let dispatcher = Dispatcher(store: store, channels: ChannelRegistry([channel]), configuration: try .init(), clock: clock, logger: Self.logger)
        let quiet = TenantID("quiet")
        #expect(try await dispatcher.setPaused(true, .tenant(quiet)))
        let waiting = Message(id: .generate(at: clock.now()), draft: MessageDraft(tenantID: quiet, channel: "scripted", content: "later"), now: clock.now())
        let going = Self.message(clock)
        _ = try await store.enqueue([waiting, going])
        try await Self.running(dispatcher) {
            let sent = try await eventually { try await Self.status(store, going.id) == .sent }
            #expect(sent)
            try await Task.sleep(for: .milliseconds(100))
            #expect(try await Self.status(store, waiting.id) == .queued)
            // A cycle on request for the whole server leaves the paused tenant out too...
            #expect(try await dispatcher.runCycle().claimed == 0)
            // ...but the tenant's own request takes its messages.
            #expect(try await dispatcher.runCycle(tenant: quiet).claimed == 1)
            #expect(try await Self.status(store, waiting.id) == .sent)
        }
    }

    @Test func aTenantsCycleClaimsOnlyItsOwnMessages() async throws {
        let clock = ManualClock()
        let store = InMemoryStore()
        let channel = ScriptedChannel(retryPolicy: .chatDefault)
        let dispatcher = Dispatcher(store: store, channels: ChannelRegistry([channel]), configuration: try .init(), clock: clock, logger: Self.logger)
        #expect(try await dispatcher.setPaused(true, .server))
        let mine = Message(id: .generate(at: clock.now()), draft: MessageDraft(tenantID: TenantID("mine"), channel: "scripted", content: "a"), now: clock.now())
        let theirs = Self.message(clock)
        _ = try await store.enqueue([mine, theirs])
        let cycle = try await dispatcher.runCycle(tenant: TenantID("mine"))
        #expect(cycle.claimed == 1)
        #expect(try await Self.status(store, mine.id) == .sent)
        #expect(try await Self.status(store, theirs.id) == .queued)
    }

    @Test func shutdownLetsInFlightSendsFinish() async throws {
        let store = InMemoryStore()
        let channel = ScriptedChannel(retryPolicy: .chatDefault, gateOpen: false)
        let dispatcher = Dispatcher(
            store: store, channels: ChannelRegistry([channel]),
            configuration: try .init(shutdownGrace: .seconds(30)), logger: Self.logger
        )
        let message = Self.message(SystemWallClock())
        _ = try await store.enqueue([message])
        try await withRunningServices([dispatcher]) { group in
            let held14 = await eventually { channel.active == 1 }
            #expect(held14)
            await group.triggerGracefulShutdown()
            try await Task.sleep(for: .milliseconds(100))
            channel.openGate()
        }
        #expect(try await Self.status(store, message.id) == .sent)
    }

    @Test func shutdownPastTheGraceReturnsUnfinishedMessagesToTheQueue() async throws {
        let store = InMemoryStore()
        let channel = ScriptedChannel(retryPolicy: .chatDefault, gateOpen: false)
        let dispatcher = Dispatcher(
            store: store, channels: ChannelRegistry([channel]),
            configuration: try .init(shutdownGrace: .milliseconds(200)), logger: Self.logger
        )
        let message = Self.message(SystemWallClock())
        _ = try await store.enqueue([message])
        try await withRunningServices([dispatcher]) { group in
            let held15 = await eventually { channel.active == 1 }
            #expect(held15)
            await group.triggerGracefulShutdown()
            // The gate stays shut: the send is abandoned at the end of the grace period...
            let held16 = try await eventually { try await Self.status(store, message.id) == .queued }
            #expect(held16)
            channel.openGate()
        }
        // ...and the message is back in the queue, the unfinished attempt not counted.
        let stored = try #require(try await store.message(id: message.id, tenant: nil))
        #expect(stored.status == .queued)
        #expect(stored.attempts == 0)
        #expect(stored.lease == nil)
    }

    /// A send outlives its lease; the same dispatcher (the same owner) claims the message again
    /// and sends it anew. Whichever result comes back first, the first claim's is refused and
    /// logged, and the message ends as the second claim's send left it.
    @Test func aSendThatOutlivesItsLeaseCannotOverwriteTheNextClaimsResult() async throws {
        let clock = ManualClock()
        let store = InMemoryStore()
        let capture = LogCapture()
        let channel = ScriptedChannel(
            script: [.failed(reason: "HTTP 410"), .sent(providerMessageID: "p-2")], retryPolicy: .chatDefault,
            gateOpen: false, timeout: .seconds(2)
        )
        let dispatcher = Dispatcher(
            store: store, channels: ChannelRegistry([channel]),
            configuration: try .init(leaseDuration: .seconds(5), pollInterval: .seconds(1)), clock: clock, logger: capture.logger
        )
        let message = Self.message(clock)
        _ = try await store.enqueue([message])
        try await Self.running(dispatcher) {
            let firstSent = await eventually { channel.active == 1 }
            #expect(firstSent)
            clock.advance(by: .seconds(6))
            let secondSent = await eventually { channel.active == 2 }
            #expect(secondSent, "the expired lease should be claimed again")
            channel.openGate()
            let settled = try await eventually {
                try await Self.status(store, message.id) == .sent && capture.lines.contains { $0.hasPrefix("stale result refused") }
            }
            #expect(settled)
        }
        let stored = try #require(try await store.message(id: message.id, tenant: nil))
        #expect(stored.status == .sent)
        #expect(stored.providerMessageID == "p-2")
        #expect(stored.lease == nil)
        #expect(try await store.attempts(messageID: message.id).count == 2)
        #expect(capture.lines.contains("  outcome=failed"))
    }

    @Test func runCycleSendsOneBatchEvenWhilePausedAndReportsIt() async throws {
        let clock = ManualClock()
        let store = InMemoryStore()
        let channel = ScriptedChannel(
            script: [.sent(providerMessageID: nil), .retry(reason: "HTTP 503", after: nil), .failed(reason: "HTTP 404")],
            retryPolicy: try .explicit([.seconds(5)], jitter: 0)
        )
        let dispatcher = Dispatcher(
            store: store, channels: ChannelRegistry([channel]),
            configuration: try .init(concurrency: 3, batchSize: 3), clock: clock, logger: Self.logger
        )
        #expect(try await dispatcher.setPaused(true, .server))
        _ = try await store.enqueue((0..<4).map { _ in Self.message(clock) })
        let cycle = try await dispatcher.runCycle()
        #expect(cycle.claimed == 3)
        #expect(cycle.sent == 1 && cycle.retried == 1 && cycle.failed == 1)
        #expect(channel.maxActive <= 3)
        let status = dispatcher.status
        #expect(status.lastCycle == cycle)
        #expect(status.sentLastMinute == 1 && status.retriedLastMinute == 1 && status.failedLastMinute == 1)
        #expect(status.inFlight == 0)
        #expect(try await store.dispatchPauses().server)
    }

    @Test func runCycleTakesOnlyTheSlotsTheLoopLeavesFree() async throws {
        let clock = ManualClock()
        let store = InMemoryStore()
        let channel = ScriptedChannel(retryPolicy: .chatDefault, gateOpen: false)
        let dispatcher = Dispatcher(
            store: store, channels: ChannelRegistry([channel]),
            configuration: try .init(concurrency: 2, batchSize: 10), clock: clock, logger: Self.logger
        )
        _ = try await store.enqueue((0..<5).map { _ in Self.message(clock) })
        try await Self.running(dispatcher) {
            let saturated = await eventually { channel.active == 2 }
            #expect(saturated)
            // Every slot is busy: a cycle on request claims nothing rather than exceed the bound.
            let cycle = try await dispatcher.runCycle()
            #expect(cycle.claimed == 0)
            #expect(channel.maxActive == 2)
            channel.openGate()
            let drained = await eventually { channel.sends.count == 5 }
            #expect(drained)
        }
        #expect(channel.maxActive == 2)
    }
}

/// The parts of a send that depend on the message: its profile, a dry run, its expiry, throttling.
struct DispatcherProviderTests {
    static let logger = DispatcherTests.logger

    @Test func throttledAttemptsDoNotUseUpTheRetryBudget() async throws {
        let clock = ManualClock()
        let store = InMemoryStore()
        // One attempt in all: a counted retry would fail the message at once.
        let channel = ScriptedChannel(
            script: [.throttled(reason: "rate", after: nil), .throttled(reason: "rate", after: nil), .sent(providerMessageID: "p-9")],
            retryPolicy: try .explicit([], jitter: 0)
        )
        let dispatcher = Dispatcher(store: store, channels: ChannelRegistry([channel]), configuration: try .init(), clock: clock, logger: Self.logger)
        let message = DispatcherTests.message(clock)
        _ = try await store.enqueue([message])
        for wait in [0, 5, 10] {
            clock.advance(by: .seconds(wait))
            _ = try await dispatcher.runCycle()
        }
        let stored = try #require(try await store.message(id: message.id, tenant: nil))
        #expect(stored.status == .sent)
        #expect(stored.attempts == 1)
        #expect(channel.sends.count == 3)
        #expect(try await store.attempts(messageID: message.id).map(\.outcome) == [.throttled, .throttled, .sent])
    }

    @Test func theProfileIsReadAtSendTimeAndADryRunSendsNothing() async throws {
        let clock = ManualClock()
        let store = InMemoryStore()
        let channel = ScriptedChannel(retryPolicy: .chatDefault)
        let dispatcher = Dispatcher(
            store: store, profiles: ProfileCache(store: store, ttl: .zero), channels: ChannelRegistry([channel]),
            configuration: try .init(), clock: clock, logger: Self.logger
        )
        var profile = SenderProfile(
            id: .generate(at: clock.now()), tenantID: .default, name: "p", channel: "scripted",
            config: ["access_token": .string("old")], createdAt: clock.now(), updatedAt: clock.now()
        )
        try await store.createProfile(profile)
        var real = DispatcherTests.message(clock)
        real.profileID = profile.id
        var rehearsed = DispatcherTests.message(clock)
        rehearsed.dryRun = true
        _ = try await store.enqueue([real, rehearsed])
        profile.config["access_token"] = .string("rotated")
        try await store.updateProfile(profile)

        _ = try await dispatcher.runCycle()
        #expect(channel.profiles == [profile.id: "rotated"])
        #expect(channel.sends.map(\.0) == [real.id])
        #expect(try await store.message(id: rehearsed.id, tenant: nil)?.status == .dryRun)
        let log = try await store.attempts(messageID: rehearsed.id)
        #expect(log.map(\.outcome) == [.dryRun])
        #expect(log.first?.responseExcerpt == "would send \(rehearsed.id)")
    }

    @Test func anExpiredMessageFailsWithoutASend() async throws {
        let clock = ManualClock()
        let store = InMemoryStore()
        let channel = ScriptedChannel(retryPolicy: .chatDefault)
        let dispatcher = Dispatcher(store: store, channels: ChannelRegistry([channel]), configuration: try .init(), clock: clock, logger: Self.logger)
        var message = DispatcherTests.message(clock)
        message.expiresAt = clock.now()
        _ = try await store.enqueue([message])
        _ = try await dispatcher.runCycle()
        let stored = try #require(try await store.message(id: message.id, tenant: nil))
        #expect(stored.status == .failed)
        #expect(stored.lastError == "expired")
        #expect(channel.sends.isEmpty)
    }
}
