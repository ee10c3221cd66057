import Foundation
import HeraldCore
import HeraldDispatcher
import HeraldStore
import HeraldTestSupport
import Logging
import Testing

/// Rate limits in the dispatcher, on an injected clock: no wall-clock timing.
struct ThrottlingDispatcherTests {
    static let logger = DispatcherTests.logger

    static func message(_ clock: ManualClock, profile: ProfileID? = nil, to recipient: String = "+14155550100") -> Message {
        Message(
            id: .generate(at: clock.now()),
            draft: MessageDraft(channel: "scripted", recipient: recipient, content: "hi", profileID: profile),
            now: clock.now()
        )
    }

    /// Moves the clock in `step`s until `done` holds or `limit` has passed, letting the
    /// dispatcher settle (asleep on the clock, nothing in flight, nothing signalled) after each step.
    static func drive(_ clock: ManualClock, _ dispatcher: Dispatcher, step: Duration = .milliseconds(100), limit: Duration, until done: () async throws -> Bool) async throws -> Bool {
        let end = clock.now().adding(limit)
        _ = await eventually(timeout: .seconds(5)) { clock.sleeperCount > 0 && dispatcher.isSettled }
        while clock.now() < end {
            if try await done() { return true }
            clock.advance(by: step)
            _ = await eventually(timeout: .seconds(5)) { clock.sleeperCount > 0 && dispatcher.isSettled }
        }
        return try await done()
    }

    @Test func aProfileAtFivePerSecondTakesTenSecondsWhileAnUnlimitedOneDoesNotWait() async throws {
        let clock = ManualClock()
        let start = clock.now()
        let store = InMemoryStore()
        let slow = ProfileID.generate(at: start)
        let channel = ScriptedChannel(retryPolicy: .chatDefault, clock: clock) { request in
            guard request.message.profileID == slow else { return .none }
            return RateLimitPlan(buckets: [RateLimit(key: Message.profileThrottleKey(slow), rate: 5, burst: 1)])
        }
        let dispatcher = Dispatcher(
            store: store, channels: ChannelRegistry([channel]),
            configuration: try .init(pollInterval: .seconds(3600)), clock: clock, logger: Self.logger
        )
        let limited = (0..<50).map { _ in Self.message(clock, profile: slow) }
        let unlimited = (0..<1000).map { _ in Self.message(clock, profile: .generate(at: start)) }
        _ = try await store.enqueue(limited + unlimited)
        try await withRunningServices([dispatcher]) { _ in
            // The unlimited profile's messages all go out before the clock moves at all.
            let flowed = try await eventually(timeout: .seconds(30)) {
                try await store.countByStatus(tenant: nil)[.sent] ?? 0 >= 1000
            }
            #expect(flowed)
            #expect(clock.now() == start)
            let times = channel.sendTimes
            #expect(unlimited.allSatisfy { times[$0.id] == [start] })

            _ = await eventually { clock.sleeperCount > 0 && dispatcher.isSettled }
            let wakeUpsBefore = dispatcher.wakeUps
            let done = try await Self.drive(clock, dispatcher, limit: .seconds(15)) {
                try await store.countByStatus(tenant: nil)[.sent] ?? 0 == 1050
            }
            #expect(done)
            // 49 bucket openings after the first send: one wake-up each (and a few for the
            // store's own signals), not one per clock step or a loop.
            let wakeUps = dispatcher.wakeUps - wakeUpsBefore
            #expect(wakeUps >= 45 && wakeUps <= 60, "woke \(wakeUps) times")
        }
        let sent = limited.compactMap { channel.sendTimes[$0.id]?.first }.sorted()
        #expect(sent.count == 50)
        let span = try #require(sent.last).timeIntervalSince(try #require(sent.first))
        #expect(span >= 9.7 && span <= 10.0, "the 50th message went \(span) s after the first")
        for (earlier, later) in zip(sent, sent.dropFirst()) {
            #expect(later.timeIntervalSince(earlier) >= 0.199, "two sends \(later.timeIntervalSince(earlier)) s apart")
        }
        // Waiting is not an attempt: each limited message has one attempt, its send.
        for message in limited.prefix(5) {
            #expect(try await store.attempts(messageID: message.id).map(\.outcome) == [.sent])
            #expect(try await store.message(id: message.id, tenant: nil)?.attempts == 1)
        }
    }

    @Test func messagesToOneRecipientAreSpacedAndOthersAreNot() async throws {
        let clock = ManualClock()
        let store = InMemoryStore()
        let channel = ScriptedChannel(retryPolicy: .chatDefault, clock: clock) { request in
            RateLimitPlan(pacing: RecipientPacing(key: "scripted|\(request.message.recipient ?? "")", interval: .seconds(6), burst: 2))
        }
        let dispatcher = Dispatcher(
            store: store, channels: ChannelRegistry([channel]),
            configuration: try .init(pollInterval: .seconds(3600)), clock: clock, logger: Self.logger
        )
        let same = (0..<4).map { _ in Self.message(clock, to: "+14155550100") }
        let other = Self.message(clock, to: "+14155550199")
        _ = try await store.enqueue(same + [other])
        try await withRunningServices([dispatcher]) { _ in
            let done = try await Self.drive(clock, dispatcher, step: .milliseconds(500), limit: .seconds(20)) {
                try await store.countByStatus(tenant: nil)[.sent] ?? 0 == 5
            }
            #expect(done)
        }
        // Relative to the first send, within one clock step (0.5 s): a loaded machine may run a
        // send a step after it was admitted, the first one included.
        let times = same.compactMap { channel.sendTimes[$0.id]?.first }.sorted()
        let first = try #require(times.first)
        let offsets = times.map { $0.timeIntervalSince(first) }
        #expect(offsets.count == 4)
        if offsets.count == 4 {
            #expect(offsets[1] <= 0.5, "two go at once (the burst): \(offsets)")
            #expect(abs(offsets[2] - 6) <= 0.5 && abs(offsets[3] - 12) <= 0.5, "then one every 6 s: \(offsets)")
            #expect(offsets[3] - offsets[2] >= 5.5, "never closer than the interval: \(offsets)")
        }
        let otherSent = try #require(channel.sendTimes[other.id]?.first)
        #expect(otherSent <= first, "another recipient's message does not wait")
    }

    @Test func aThrottledAnswerIsNotAnAttemptAndSlowsTheBucket() async throws {
        let clock = ManualClock()
        let store = InMemoryStore()
        let profile = ProfileID.generate(at: clock.now())
        let key = Message.profileThrottleKey(profile)
        let channel = ScriptedChannel(
            script: [.throttled(reason: "WhatsApp error 130429", after: nil), .sent(providerMessageID: "wamid.1")],
            retryPolicy: .chatDefault, clock: clock
        ) { _ in RateLimitPlan(buckets: [RateLimit(key: key, rate: 80, burst: 80)]) }
        let dispatcher = Dispatcher(
            store: store, channels: ChannelRegistry([channel]),
            configuration: try .init(pollInterval: .seconds(3600)), clock: clock, logger: Self.logger
        )
        let message = Self.message(clock, profile: profile)
        _ = try await store.enqueue([message])
        try await withRunningServices([dispatcher]) { _ in
            let throttled = try await eventually { try await store.message(id: message.id, tenant: nil)?.throttles == 1 }
            #expect(throttled)
            let waiting = try #require(try await store.message(id: message.id, tenant: nil))
            #expect(waiting.attempts == 0)
            #expect(waiting.status == .queued)
            #expect(dispatcher.limiter.currentRate(key) == 40)
            let done = try await Self.drive(clock, dispatcher, step: .seconds(1), limit: .seconds(30)) {
                try await store.message(id: message.id, tenant: nil)?.status == .sent
            }
            let last = try await store.message(id: message.id, tenant: nil)
            #expect(done, "at \(clock.now()): \(String(describing: last?.status)) due \(String(describing: last?.nextAttemptAt)), woke \(dispatcher.wakeUps) times")
        }
        let stored = try #require(try await store.message(id: message.id, tenant: nil))
        #expect(stored.attempts == 1)
        #expect(stored.throttles == 0)
        #expect(try await store.attempts(messageID: message.id).map(\.outcome) == [.throttled, .sent])
    }
}
