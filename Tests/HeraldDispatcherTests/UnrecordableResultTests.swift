import Foundation
import HeraldCore
import HeraldDispatcher
import HeraldStore
import HeraldTestSupport
import Synchronization
import Testing

/// A result the database refuses to record ends its message `failed` (`unrecordable_result`)
/// instead of leaving it leased to be sent again, and costs the rest of its batch nothing.
struct UnrecordableResultTests {
    /// The in-memory store, but refusing (as PostgreSQL refuses a value it cannot store) every
    /// batch that holds a `sent` result for one message. A double: no cleaned text is refused
    /// by a real database any more.
    final class RefusingStore: MessageStore, PauseStore {
        let inner = InMemoryStore()
        let refused: Mutex<MessageID?> = Mutex(nil)
        var workSignal: WorkSignal { inner.workSignal }

        func complete(_ completions: [Completion]) async throws -> [Bool] {
            let target = refused.withLock { $0 }
            if completions.contains(where: { $0.messageID == target && $0.targetStatus == .sent }) {
                throw StoreError.invalidData("the database refused a value (SQLSTATE 22021: invalid byte sequence)")
            }
            return try await inner.complete(completions)
        }

        func enqueue(_ messages: [Message], quota: Quota?) async throws -> [EnqueueResult] { try await inner.enqueue(messages, quota: quota) }
        func message(id: MessageID, tenant: TenantID?) async throws -> Message? { try await inner.message(id: id, tenant: tenant) }
        func listMessages(_ query: MessageQuery) async throws -> [Message] { try await inner.listMessages(query) }
        func countByStatus(tenant: TenantID?, kind: MessageKind) async throws -> [MessageStatus: Int] {
            try await inner.countByStatus(tenant: tenant, kind: kind)
        }
        func attempts(messageID: MessageID) async throws -> [AttemptRecord] { try await inner.attempts(messageID: messageID) }
        func claim(_ params: ClaimParams) async throws -> [Message] { try await inner.claim(params) }
        func releaseLeases(_ leases: [MessageID: LeaseToken], now: Date) async throws -> Int { try await inner.releaseLeases(leases, now: now) }
        func cancel(id: MessageID, tenant: TenantID?, now: Date) async throws -> Message { try await inner.cancel(id: id, tenant: tenant, now: now) }
        func retry(id: MessageID, tenant: TenantID?, now: Date) async throws -> Message { try await inner.retry(id: id, tenant: tenant, now: now) }
        func ping() async throws {}
        func dispatchPauses() async throws -> DispatchPauses { try await inner.dispatchPauses() }
        func setPaused(_ paused: Bool, scope: PauseScope, now: Date) async throws -> Bool { try await inner.setPaused(paused, scope: scope, now: now) }
    }

    @Test func aResultTheDatabaseRefusesEndsItsMessageFailedAndTheOthersAreRecorded() async throws {
        let clock = ManualClock()
        let store = RefusingStore()
        let channel = ScriptedChannel(retryPolicy: .chatDefault, gateOpen: false)
        let dispatcher = Dispatcher(store: store, channels: ChannelRegistry([channel]), configuration: try .init(), clock: clock, logger: DispatcherTests.logger)
        let messages = (0..<5).map { _ in DispatcherTests.message(clock) }
        store.refused.withLock { $0 = messages[2].id }
        _ = try await store.enqueue(messages)
        try await DispatcherTests.running(dispatcher) { () async throws in
            // Every send answers at once, so their results share group commits.
            #expect(await eventually { channel.active == 5 })
            channel.openGate()
            #expect(try await eventually {
                try await store.countByStatus(tenant: nil, kind: .message) == [.sent: 4, .failed: 1]
            })
        }
        let refused = try #require(try await store.message(id: messages[2].id, tenant: nil))
        #expect(refused.status == .failed)
        #expect(refused.lastError == "unrecordable_result")
        #expect(refused.lease == nil, "not left leased to be sent again")
        let log = try await store.attempts(messageID: messages[2].id)
        #expect(log.count == 1)
        #expect(log.first?.outcome == .failed)
        #expect(log.first?.error?.hasPrefix("unrecordable_result: sent could not be recorded: invalid_data") == true, "\(log)")
        #expect(channel.sends.count == 5, "nothing was sent twice")
    }
}

/// A message whose lease expired `dispatcher.max_claims` times with nothing recorded — one that
/// kills or hangs the process — ends `failed` with reason `poison` instead of being claimed for ever.
struct PoisonMessageTests {
    @Test func aMessageThatNeverFinishesIsFailedAsPoisonWithoutAnotherSend() async throws {
        let clock = ManualClock()
        let store = InMemoryStore()
        let channel = ScriptedChannel(retryPolicy: .chatDefault)
        let message = DispatcherTests.message(clock)
        _ = try await store.enqueue([message])
        // Five processes took it and died with it: its lease expired each time.
        for _ in 0..<5 {
            _ = try await store.claim(ClaimParams(owner: "dies", limit: 1, now: clock.now(), leaseDuration: .seconds(30)))
            clock.advance(by: .seconds(31))
        }
        let dispatcher = Dispatcher(
            store: store, channels: ChannelRegistry([channel]), configuration: try .init(maxClaims: 5), clock: clock, logger: DispatcherTests.logger
        )
        try await DispatcherTests.running(dispatcher) { () async throws in
            #expect(try await eventually { try await DispatcherTests.status(store, message.id) == .failed })
        }
        let failed = try #require(try await store.message(id: message.id, tenant: nil))
        #expect(failed.lastError == "poison")
        #expect(failed.attempts == 0, "no request went out for it")
        #expect(channel.sends.isEmpty)
        #expect(try await store.attempts(messageID: message.id).map(\.error) == ["poison"])
    }

    @Test func aMessageClaimedFewerTimesIsSentAsUsual() async throws {
        let clock = ManualClock()
        let store = InMemoryStore()
        let channel = ScriptedChannel(retryPolicy: .chatDefault)
        let message = DispatcherTests.message(clock)
        _ = try await store.enqueue([message])
        // Four expiries: one fewer than the limit.
        for _ in 0..<4 {
            _ = try await store.claim(ClaimParams(owner: "dies", limit: 1, now: clock.now(), leaseDuration: .seconds(30)))
            clock.advance(by: .seconds(31))
        }
        let dispatcher = Dispatcher(
            store: store, channels: ChannelRegistry([channel]), configuration: try .init(maxClaims: 5), clock: clock, logger: DispatcherTests.logger
        )
        try await DispatcherTests.running(dispatcher) { () async throws in
            #expect(try await eventually { try await DispatcherTests.status(store, message.id) == .sent })
        }
    }
}
