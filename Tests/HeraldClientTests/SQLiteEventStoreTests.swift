import Foundation
import HeraldClient
import HeraldClientDurable
import HeraldTestSupport
import Testing

/// The durable buffer: messages outlive the process, those in flight at a crash wait again.
struct SQLiteEventStoreTests {
    @Test func messagesOutliveTheStoreAndThoseInFlightWaitAgain() async throws {
        let path = try TemporaryDirectory.make().appendingPathComponent("outbox.sqlite").path
        do {
            let store = try SQLiteEventStore(path: path, capacity: 3)
            var ids: [Int64] = []
            for index in 0..<3 { ids.append(try #require(try await store.add(EmitterHarness.message(index)))) }
            #expect(try await store.add(EmitterHarness.message(9)) == nil)
            let taken = try await store.take(2)
            #expect(taken.map(\.id) == Array(ids.prefix(2)))
            try await store.finish([ids[0]])
            // The process dies here, one message in flight and one waiting.
        }
        let reopened = try SQLiteEventStore(path: path, capacity: 3)
        let kept = try await reopened.all()
        #expect(kept.compactMap(\.message.content) == ["m1", "m2"])
        #expect(try await reopened.take(10).compactMap(\.message.content) == ["m1", "m2"])
        try await reopened.release([kept[1].id])
        #expect(try await reopened.dropOldest() == kept[1].id)
        #expect(try await reopened.dropOldest() == nil)
    }

    @Test func anEmitterSendsWhatAnEarlierProcessLeft() async throws {
        let path = try TemporaryDirectory.make().appendingPathComponent("outbox.sqlite").path
        let clock = ManualClock()
        let down = ScriptedTransport([.networkError])
        let first = try EmitterHarness.builder(down, clock: clock).eventStore(try SQLiteEventStore(path: path)).retryPolicy(.retryForever).build()
        try await first.withRunning(closeDeadline: .zero) { emitter in
            for index in 0..<5 { await emitter.add(EmitterHarness.message(index)) }
            #expect(await eventually { down.requests.count >= 1 })
        }
        let up = ScriptedTransport([.results { _ in .accepted }])
        let second = try EmitterHarness.builder(up, clock: clock).eventStore(try SQLiteEventStore(path: path)).build()
        try await second.withRunning { emitter in await emitter.flush() }
        #expect(up.requests.flatMap(\.messages).compactMap(\.content) == ["m0", "m1", "m2", "m3", "m4"])
        // The same keys as the first process gave them: a batch it had in flight is not stored twice.
        let firstKeys = Set(down.requests.flatMap(\.messages).compactMap(\.idempotencyKey))
        #expect(!firstKeys.isEmpty && firstKeys.isSubset(of: Set(up.requests.flatMap(\.messages).compactMap(\.idempotencyKey))))
        #expect(try await SQLiteEventStore(path: path).all().isEmpty)
    }
}
