import Foundation
import HeraldClient
import HeraldCore
import HeraldTestSupport
import Synchronization
import Testing

/// The batching emitter over a deterministic flaky transport and a manual clock: nothing sleeps
/// in real time, every wait is bounded.
struct BatchEmitterTests {
    typealias Harness = EmitterHarness

    @Test func sendsEverythingInBatchesEachWithItsOwnIdempotencyKey() async throws {
        let transport = ScriptedTransport([.results { _ in .accepted }])
        let clock = ManualClock()
        let emitter = try Harness.builder(transport, clock: clock).batchSize(100).build()
        try await emitter.withRunning { emitter in
            for index in 0..<250 { await emitter.add(Harness.message(index)) }
            await emitter.flush()
        }
        let messages = transport.requests.flatMap(\.messages)
        #expect(messages.count == 250)
        #expect(Set(messages.compactMap(\.content)).count == 250)
        #expect(Set(messages.compactMap(\.idempotencyKey)).count == 250)
        #expect(transport.requests.allSatisfy { $0.messages.count <= 100 })
        #expect(transport.requests.first?.url.absoluteString == "http://herald.test:8080/api/v1/messages/batch")
        #expect(transport.requests.first?.headers["authorization"] == "Bearer k-test")
        let counters = emitter.counters
        #expect(counters.added == 250 && counters.sent == 250 && counters.failed == 0 && counters.buffered == 0)
    }

    @Test func aServerErrorIsRetriedWithTheSameKeysAndThenSucceeds() async throws {
        let transport = ScriptedTransport([.answer(500), .networkError, .results { _ in .accepted }])
        let clock = ManualClock()
        let emitter = try Harness.builder(transport, clock: clock).build()
        try await emitter.withRunning { emitter in
            for index in 0..<3 { await emitter.add(Harness.message(index)) }
            await Harness.movingTime(clock) { await emitter.flush() }
        }
        #expect(transport.requests.count == 3)
        let keys = transport.requests.map { $0.messages.compactMap(\.idempotencyKey) }
        #expect(keys[0] == keys[1] && keys[1] == keys[2])
        #expect(emitter.counters.retried == 2)
        #expect(emitter.counters.sent == 3)
    }

    @Test(arguments: [400, 401, 403, 404, 410, 422])
    func anAnswerThatCannotSucceedLaterIsNeverRetried(status: Int) async throws {
        let transport = ScriptedTransport([.answer(status, body: #"{"error": "nope", "message": "refused"}"#)])
        let clock = ManualClock()
        let failures = Mutex<[HeraldClientError]>([])
        let emitter = try Harness.builder(transport, clock: clock).onFailure { _, error in failures.withLock { $0.append(error) } }.build()
        try await emitter.withRunning { emitter in
            await emitter.add(Harness.message(1))
            await emitter.add(Harness.message(2))
            await emitter.flush()
        }
        #expect(transport.requests.count == 1)
        #expect(emitter.counters.failed == 2)
        #expect(emitter.counters.retried == 0)
        #expect(failures.withLock { $0.count } == 2)
        #expect(failures.withLock { $0.allSatisfy { !$0.isRetryable } })
    }

    @Test func retryAfterIsHonoured() async throws {
        let transport = ScriptedTransport([.answer(429, headers: ["Retry-After": "30"]), .results { _ in .accepted }])
        let clock = ManualClock()
        let emitter = try Harness.builder(transport, clock: clock).retryPolicy(.maxRetries(3).backoff(initial: .milliseconds(100), max: .seconds(1))).build()
        try await emitter.withRunning { emitter in
            await emitter.add(Harness.message(1))
            #expect(await eventually { clock.sleeperCount == 1 })
            clock.advance(by: .seconds(29))
            try await Task.sleep(for: .milliseconds(50))
            #expect(transport.requests.count == 1)
            clock.advance(by: .seconds(1))
            await emitter.flush()
        }
        #expect(transport.requests.count == 2)
        #expect(emitter.counters.sent == 1)
    }

    @Test func outOfRetriesIsAFailure() async throws {
        let transport = ScriptedTransport([.answer(503)])
        let clock = ManualClock()
        let emitter = try Harness.builder(transport, clock: clock).retryPolicy(.maxRetries(2)).build()
        try await emitter.withRunning { emitter in
            await emitter.add(Harness.message(1))
            await Harness.movingTime(clock) { await emitter.flush() }
        }
        #expect(transport.requests.count == 3)
        #expect(emitter.counters.failed == 1 && emitter.counters.retried == 2)
        let none = ScriptedTransport([.answer(503)])
        let once = try Harness.builder(none, clock: clock).retryPolicy(.noRetry).build()
        try await once.withRunning { emitter in
            await emitter.add(Harness.message(1))
            await emitter.flush()
        }
        #expect(none.requests.count == 1)
    }

    @Test func onlyTheItemsThatCanSucceedAreSentAgain() async throws {
        // Message 1 is invalid (never again), message 2 waits for the quota, the rest go through.
        let quotaFull = Mutex(true)
        let transport = ScriptedTransport([.results { message in
            switch message.content {
            case "m1": return .rejected(code: "validation_failed")
            case "m2": return quotaFull.withLock { full in defer { full = false }; return full } ? .rejected(code: "quota_exceeded") : .accepted
            default: return .accepted
            }
        }])
        let clock = ManualClock()
        let emitter = try Harness.builder(transport, clock: clock).retryPolicy(.noRetry).build()
        try await emitter.withRunning { emitter in
            for index in 0..<4 { await emitter.add(Harness.message(index)) }
            await Harness.movingTime(clock) { await emitter.flush() }
        }
        #expect(transport.requests.map { $0.messages.compactMap(\.content) } == [["m0", "m1", "m2", "m3"], ["m2"]])
        // Waiting for a quota uses no retry budget, even with none.
        #expect(emitter.counters.sent == 3 && emitter.counters.failed == 1 && emitter.counters.retried == 0)
    }

    @Test func aBatchTooLargeIsSplit() async throws {
        let transport = ScriptedTransport([.answer(413), .results { _ in .accepted }])
        let clock = ManualClock()
        let emitter = try Harness.builder(transport, clock: clock).build()
        try await emitter.withRunning { emitter in
            for index in 0..<4 { await emitter.add(Harness.message(index)) }
            await emitter.flush()
        }
        #expect(transport.requests.map(\.messages.count) == [4, 2, 2])
        #expect(emitter.counters.sent == 4)
    }

    @Test func aCollectorGetsABareArray() async throws {
        let transport = ScriptedTransport([.answer(200)])
        let clock = ManualClock()
        let emitter = try BatchEmitter.builder().collectorURL(URL(string: "https://collector.test/in")!).transport(transport).clock(clock).build()
        try await emitter.withRunning { emitter in
            await emitter.add(Harness.message(1))
            await emitter.flush()
        }
        #expect(transport.requests.first?.body.arrayValue?.count == 1)
        #expect(transport.requests.first?.headers["authorization"] == nil)
        #expect(emitter.counters.sent == 1)
    }

    @Test func aFullBufferDropsTheNewestOrTheOldestAsConfigured() async throws {
        let clock = ManualClock()
        let newest = ScriptedTransport([.results { _ in .accepted }])
        let dropNewest = try Harness.builder(newest, clock: clock).eventStore(BoundedMemoryEventStore(capacity: 2)).whenFull(.dropNewest).build()
        for index in 0..<3 { await dropNewest.add(Harness.message(index)) }
        #expect(dropNewest.counters.dropped == 1)
        try await dropNewest.withRunning { await $0.flush() }
        #expect(newest.requests.flatMap(\.messages).compactMap(\.content) == ["m0", "m1"])

        let oldest = ScriptedTransport([.results { _ in .accepted }])
        let dropOldest = try Harness.builder(oldest, clock: clock).eventStore(BoundedMemoryEventStore(capacity: 2)).whenFull(.dropOldest).build()
        for index in 0..<3 { await dropOldest.add(Harness.message(index)) }
        #expect(dropOldest.counters.dropped == 1)
        try await dropOldest.withRunning { await $0.flush() }
        #expect(oldest.requests.flatMap(\.messages).compactMap(\.content) == ["m1", "m2"])
        #expect(dropOldest.counters.sent == 2 && dropOldest.counters.buffered == 0)
    }

    @Test func aFullBufferMakesTheCallerWaitForRoom() async throws {
        let transport = ScriptedTransport([.results { _ in .accepted }])
        let clock = ManualClock()
        let emitter = try Harness.builder(transport, clock: clock).eventStore(BoundedMemoryEventStore(capacity: 2)).build()
        await emitter.add(Harness.message(0))
        await emitter.add(Harness.message(1))
        let third = Task { await emitter.add(Harness.message(2)) }
        try await Task.sleep(for: .milliseconds(50))
        #expect(emitter.counters.added == 2)
        try await emitter.withRunning { emitter in
            await third.value
            await emitter.flush()
        }
        #expect(emitter.counters.added == 3 && emitter.counters.sent == 3 && emitter.counters.dropped == 0)
    }

    @Test func closeReturnsWhatCouldNotBeSent() async throws {
        let transport = ScriptedTransport([.answer(503)])
        let clock = ManualClock()
        let emitter = try Harness.builder(transport, clock: clock).retryPolicy(.retryForever).build()
        let unsent: [OutgoingMessage] = try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await emitter.run() }
            for index in 0..<3 { await emitter.add(Harness.message(index)) }
            #expect(await eventually { transport.requests.count >= 1 && clock.sleeperCount >= 1 })
            let unsent = await emitter.close(deadline: .zero)
            try await group.waitForAll()
            return unsent
        }
        #expect(unsent.compactMap(\.content) == ["m0", "m1", "m2"])
        // Closed: nothing more is taken.
        await emitter.add(Harness.message(9))
        #expect(emitter.counters.dropped == 1)
    }

    @Test func theBuilderRefusesWhatIsMissing() {
        #expect(throws: EmitterConfigurationError.missing("serverURL or collectorURL")) { try BatchEmitter.builder().apiKey("k").build() }
        #expect(throws: EmitterConfigurationError.self) { try BatchEmitter.builder().serverURL(EmitterHarness.server).build() }
        #expect(throws: EmitterConfigurationError.self) { try BatchEmitter.builder().serverURL(EmitterHarness.server).apiKey("k").batchSize(1001).build() }
        #expect(throws: Never.self) { try BatchEmitter.builder().collectorURL(EmitterHarness.server).build() }
    }

    @Test func retryDelaysGrowWithFullJitterAndTheCap() {
        let policy = EmitterRetryPolicy.maxRetries(10)
        #expect(policy.delay(beforeRetry: 1, fraction: 1) == .milliseconds(100))
        #expect(policy.delay(beforeRetry: 4, fraction: 1) == .milliseconds(800))
        #expect(policy.delay(beforeRetry: 4, fraction: 0.5) == .milliseconds(400))
        #expect(policy.delay(beforeRetry: 30, fraction: 1) == .seconds(60))
        #expect(policy.delay(beforeRetry: 1, fraction: 0, retryAfter: .seconds(5)) == .seconds(5))
        #expect(policy.allows(retry: 10) && !policy.allows(retry: 11))
        #expect(EmitterRetryPolicy.retryForever.allows(retry: 1_000_000))
        #expect(!EmitterRetryPolicy.noRetry.allows(retry: 1))
    }

    @Test func cancellingTheRunningTaskStopsWithoutLosingAnything() async throws {
        let transport = ScriptedTransport([.networkError])
        let clock = ManualClock()
        let emitter = try Harness.builder(transport, clock: clock).retryPolicy(.retryForever).build()
        await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await emitter.run() }
            for index in 0..<5 { await emitter.add(Harness.message(index)) }
            #expect(await eventually { transport.requests.count >= 1 && clock.sleeperCount >= 1 })
            group.cancelAll()
        }
        #expect(emitter.counters.buffered == 5 && emitter.counters.sent == 0 && emitter.counters.failed == 0)
        // Nothing was sent: closing hands every message back.
        #expect(await emitter.close(deadline: .zero).compactMap(\.content) == ["m0", "m1", "m2", "m3", "m4"])
    }

    @Test func nothingAddedIsNothingToFlush() async throws {
        let transport = ScriptedTransport([.results { _ in .accepted }])
        let emitter = try Harness.builder(transport, clock: ManualClock()).build()
        try await emitter.withRunning { emitter in await emitter.flush() }
        #expect(transport.requests.isEmpty)
        #expect(emitter.counters == EmitterCounters())
        #expect(await emitter.close(deadline: .zero).isEmpty)
    }
}
