import Foundation
import HeraldCore
import HeraldDispatcher
import HeraldStore
import HeraldTestSupport
import Synchronization
import Testing

/// A message goes out a second time only after a crash, a timeout or a reset: never because it
/// waited past its lease in this process, because this process lost its membership meanwhile,
/// or because a sent answer came back after the shutdown grace.
struct NoSecondSendTests {
    static let logger = DispatcherTests.logger

    @Test func aCycleOnRequestClaimsNoMoreThanTheSlotsItHas() async throws {
        let clock = ManualClock()
        let store = InMemoryStore()
        let channel = ScriptedChannel(retryPolicy: .chatDefault, gateOpen: false)
        let dispatcher = Dispatcher(
            store: store, channels: ChannelRegistry([channel]),
            configuration: try .init(concurrency: 3, batchSize: 10), clock: clock, logger: Self.logger
        )
        _ = try await store.enqueue((0..<2).map { _ in DispatcherTests.message(clock) })
        try await DispatcherTests.running(dispatcher) { () async throws in
            // The loop holds two of the three slots.
            #expect(await eventually { channel.active == 2 })
            _ = try await store.enqueue((0..<8).map { _ in DispatcherTests.message(clock) })
            let cycle = Task { try await dispatcher.runCycle() }
            #expect(await eventually { channel.active == 3 })
            // One slot: one message claimed, not ten sent one after another while their leases run out.
            #expect(try await store.countByStatus(tenant: nil, kind: .message)[.sending] == 3)
            channel.openGate()
            #expect(try await cycle.value.claimed == 1)
        }
    }

    @Test func aSendNeverStartsUnderALeaseShorterThanTheChannelsTimeout() async throws {
        let clock = ManualClock()
        let store = InMemoryStore()
        // A 20 s timeout under a 10 s lease: no attempt could finish inside the lease.
        let channel = ScriptedChannel(retryPolicy: .chatDefault, timeout: .seconds(20))
        let dispatcher = Dispatcher(
            store: store, channels: ChannelRegistry([channel]),
            configuration: try .init(leaseDuration: .seconds(10)), clock: clock, logger: Self.logger
        )
        let message = DispatcherTests.message(clock)
        _ = try await store.enqueue([message])
        let cycle = try await dispatcher.runCycle()
        #expect(cycle.claimed == 1)
        #expect(channel.sends.isEmpty, "put back instead")
        let stored = try #require(try await store.message(id: message.id, tenant: nil))
        #expect(stored.status == .queued)
        #expect(stored.lease == nil)
        #expect(stored.attempts == 0)
        #expect(try await store.attempts(messageID: message.id).isEmpty, "not an attempt")
    }

    /// A membership the test controls: an epoch, or `nil` while lapsed.
    final class Membership: Sendable {
        let current = Mutex<Int?>(0)
        func callAsFunction() -> Int? { current.withLock { $0 } }
    }

    @Test func aProcessWhoseMembershipLapsedSendsNothingItClaimedBefore() async throws {
        let clock = ManualClock()
        let store = InMemoryStore()
        let membership = Membership()
        // The first send hangs, so the other claimed messages wait for their turn in the one slot.
        let channel = ScriptedChannel(retryPolicy: .chatDefault, gateOpen: false)
        let dispatcher = Dispatcher(
            store: store, channels: ChannelRegistry([channel]), configuration: try .init(concurrency: 1, batchSize: 1),
            clock: clock, membership: { membership() }, logger: Self.logger
        )
        let messages = (0..<3).map { _ in DispatcherTests.message(clock) }
        _ = try await store.enqueue(messages)
        try await DispatcherTests.running(dispatcher) { () async throws in
            #expect(await eventually { channel.active == 1 })
            // The process stalls past database.process_timeout: the others take its messages.
            membership.current.withLock { $0 = nil }
            channel.openGate()
            try await Task.sleep(for: .milliseconds(300))
            #expect(channel.sends.count == 1, "nothing more is sent while the membership has lapsed")
            // It registers again: a new epoch. Work claimed from now on goes out (the idle
            // dispatcher looks again on its clock).
            membership.current.withLock { $0 = 1 }
            #expect(try await eventually {
                clock.advance(by: .milliseconds(200))
                return try await store.countByStatus(tenant: nil, kind: .message)[.sent] == 3
            })
        }
        #expect(channel.sends.count == 3)
    }

    @Test func aMessageClaimedBeforeALapseIsPutBackNotSent() async throws {
        let clock = ManualClock()
        let store = InMemoryStore()
        let membership = Membership()
        let channel = ScriptedChannel(retryPolicy: .chatDefault)
        // Admission reads the profile: the test holds it there while the membership lapses and comes back.
        let profiles = BlockingProfiles()
        let dispatcher = Dispatcher(
            store: store, profiles: ProfileCache(store: profiles, ttl: .zero), channels: ChannelRegistry([channel]), configuration: try .init(),
            clock: clock, membership: { membership() }, logger: Self.logger
        )
        var message = DispatcherTests.message(clock)
        message.profileID = profiles.profile.id
        _ = try await store.enqueue([message])
        let cycle = Task { try await dispatcher.runCycle() }
        await profiles.reading.wait()
        membership.current.withLock { $0 = 1 }
        profiles.release.open()
        _ = try await cycle.value
        #expect(channel.sends.isEmpty, "claimed in epoch 0, about to be sent in epoch 1: another process may have it")
        #expect(try await store.message(id: message.id, tenant: nil)?.status == .queued)
    }

    @Test(arguments: StoreKind.allCases)
    func aSentAnswerAfterTheShutdownGraceIsRecordedAsSent(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let clock = SystemWallClock()
            let channel = ScriptedChannel(retryPolicy: .chatDefault, gateOpen: false, answersWhenCancelled: true)
            let dispatcher = Dispatcher(
                store: store, channels: ChannelRegistry([channel]), configuration: try .init(shutdownGrace: .milliseconds(50)),
                clock: clock, logger: Self.logger
            )
            let message = DispatcherTests.message(clock)
            _ = try await store.enqueue([message])
            // The send is under way when shutdown begins; its answer ("sent") comes only when the
            // grace is over and the send's task is cancelled.
            try await DispatcherTests.running(dispatcher) { () async throws in
                #expect(await eventually { channel.active == 1 })
            }
            let stored = try #require(try await store.message(id: message.id, tenant: nil))
            #expect(stored.status == .sent, "it went out: recorded, not returned to the queue to go out again")
            #expect(try await store.attempts(messageID: message.id).map(\.outcome) == [.sent])
        }
    }
}

/// A profile store whose one profile read waits until the test lets it go.
final class BlockingProfiles: ProfileStore {
    let profile = SenderProfile(
        id: .generate(), tenantID: .default, name: "p", channel: "scripted", config: [:], createdAt: Date(), updatedAt: Date()
    )
    let reading = TestGate()
    let release = TestGate()

    func profile(id: ProfileID) async throws -> SenderProfile? {
        reading.open()
        await release.wait()
        return id == profile.id ? profile : nil
    }

    func createProfile(_ profile: SenderProfile) async throws {}
    func profiles(tenant: TenantID) async throws -> [SenderProfile] { [profile] }
    func profiles(channel: String) async throws -> [SenderProfile] { [profile] }
    func updateProfile(_ profile: SenderProfile) async throws {}
    func deleteProfile(id: ProfileID) async throws {}
}

/// Opens once; everyone waiting, and everyone who comes later, goes on.
final class TestGate: Sendable {
    private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func wait() async {
        await withCheckedContinuation { continuation in
            let open = state.withLock { state in
                if !state.open { state.waiters.append(continuation) }
                return state.open
            }
            if open { continuation.resume() }
        }
    }

    func open() {
        let waiters = state.withLock { state in
            state.open = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}
