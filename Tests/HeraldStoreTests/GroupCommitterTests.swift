import Foundation
import GRDB
@testable import HeraldStore
import Synchronization
import HeraldTestSupport
import Testing

struct GroupCommitterTests {
    /// Counts flushes and their sizes.
    final class FlushLog: Sendable {
        let batches = Mutex<[[Int]]>([])
    }

    struct Boom: Error {}

    @Test func concurrentSubmissionsAreCoalescedAndEachGetsItsOwnAnswer() async throws {
        let log = FlushLog()
        let committer = GroupCommitter<Int, Int>(window: .milliseconds(5), maxBatch: 1000) { items in
            log.batches.withLock { $0.append(items) }
            try await Task.sleep(for: .milliseconds(5))
            return items.map { $0 * 10 }
        }
        let answers = try await withThrowingTaskGroup(of: (Int, Int).self) { group in
            for value in 0..<200 {
                group.addTask { (value, try await committer.submit(value)) }
            }
            return try await group.reduce(into: [Int: Int]()) { $0[$1.0] = $1.1 }
        }
        #expect(answers.count == 200)
        #expect(answers.allSatisfy { $0.value == $0.key * 10 })
        let batches = log.batches.withLock { $0 }
        #expect(batches.flatMap { $0 }.sorted() == Array(0..<200))
        #expect(batches.count < 50, "expected coalescing, got \(batches.count) flushes")
    }

    @Test func batchesRespectTheMaximum() async throws {
        let log = FlushLog()
        let committer = GroupCommitter<Int, Int>(window: .milliseconds(2), maxBatch: 7) { items in
            log.batches.withLock { $0.append(items) }
            return items
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for value in 0..<100 { group.addTask { _ = try await committer.submit(value) } }
            try await group.waitForAll()
        }
        #expect(log.batches.withLock { $0.allSatisfy { $0.count <= 7 } })
    }

    @Test func aFailedFlushFailsOnlyItsOwnBatch() async throws {
        let calls = Mutex(0)
        let committer = GroupCommitter<Int, Int>(window: .zero, maxBatch: 1) { items in
            let call = calls.withLock { calls in
                calls += 1
                return calls
            }
            if call == 1 { throw Boom() }
            return items
        }
        await #expect(throws: Boom.self) { try await committer.submit(1) }
        #expect(try await committer.submit(2) == 2)
    }

    /// A flush held until the test lets it go.
    final class Gate: Sendable {
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

    @Test func whatWaitsIsBoundedAndTheRestIsRefusedAtOnce() async throws {
        let gate = Gate()
        let flushing = Mutex(0)
        let committer = GroupCommitter<Int, Int>(window: .zero, maxBatch: 100, maxWaiting: 10, weight: { $0 }) { items in
            flushing.withLock { $0 += 1 }
            await gate.wait()
            return items
        }
        try await withThrowingTaskGroup(of: Int.self) { group in
            // The first leads and is stuck in its flush (the disk is slow); it no longer waits.
            group.addTask { try await committer.submit(50) }
            let leading = await eventually { flushing.withLock { $0 } == 1 }
            #expect(leading)
            // An empty queue takes any weight; then up to 10 in all.
            group.addTask { try await committer.submit(6) }
            try await Task.sleep(for: .milliseconds(50))
            let refused = await #expect(throws: StoreError.self) { try await committer.submit(5) }
            #expect(refused?.isBusy == true)
            group.addTask { try await committer.submit(4) }
            try await Task.sleep(for: .milliseconds(50))
            gate.open()
            let answers = try await group.reduce(into: [Int]()) { $0.append($1) }
            #expect(answers.sorted() == [4, 6, 50])
        }
        // Drained: room again.
        #expect(try await committer.submit(10) == 10)
    }

    @Test func aRefusedItemIsSplitOffAndOnlyItsCallerGetsTheError() async throws {
        let log = FlushLog()
        let committer = GroupCommitter<Int, Int>(window: .milliseconds(50), maxBatch: 100, splits: { $0 is Boom }) { items in
            log.batches.withLock { $0.append(items) }
            // Like a transaction: one bad row and nothing in the batch is written.
            if items.contains(13) { throw Boom() }
            return items.map { $0 * 10 }
        }
        let results = await withTaskGroup(of: (Int, Result<Int, any Error>).self) { group in
            for value in 0..<20 {
                group.addTask {
                    do { return (value, .success(try await committer.submit(value))) } catch { return (value, .failure(error)) }
                }
            }
            return await group.reduce(into: [Int: Result<Int, any Error>]()) { $0[$1.0] = $1.1 }
        }
        for (value, result) in results {
            if value == 13 {
                #expect(throws: Boom.self) { try result.get() }
            } else {
                #expect(try result.get() == value * 10)
            }
        }
        #expect(log.batches.withLock { $0.contains([13]) }, "split down to the refused item alone")
    }

    @Test func aCancelledLeaderDoesNotCancelTheWritesOfItsBatch() async throws {
        // A real SQLite write: GRDB interrupts the write of a task that is cancelled.
        let path = try TemporaryDirectory.make().appendingPathComponent("commit.sqlite").path
        let pool = try DatabasePool(path: path)
        try await pool.write { db in try db.execute(sql: "CREATE TABLE rows (n INTEGER NOT NULL)") }
        let flushing = Gate()
        let committer = GroupCommitter<Int, Bool>(window: .milliseconds(100), maxBatch: 100) { items in
            flushing.open()
            return try await pool.write { db in
                // The leader is cancelled while this transaction is under way.
                usleep(200_000)
                for item in items { try db.execute(sql: "INSERT INTO rows (n) VALUES (?)", arguments: [item]) }
                return items.map { _ in true }
            }
        }
        let leader = Task { try await committer.submit(0) }
        try await Task.sleep(for: .milliseconds(20))
        let followers = Task {
            try await withThrowingTaskGroup(of: Bool.self) { group in
                for value in 1...5 { group.addTask { try await committer.submit(value) } }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
        }
        await flushing.wait()
        leader.cancel()
        #expect(try await followers.value == [true, true, true, true, true])
        _ = try? await leader.value
        let stored = try await pool.read { db in try Int.fetchAll(db, sql: "SELECT n FROM rows ORDER BY n") }
        #expect(stored == [0, 1, 2, 3, 4, 5], "the whole batch committed, the cancelled leader's own write too")
    }

    /// A database that cannot be reached: every flush waits out the connection wait (here
    /// 1 s) and fails. What queued behind the first is answered when it fails, not one batch
    /// after another; then one item at a time finds out whether the database is back, and the
    /// others fail at once meanwhile, until one succeeds.
    @Test func anUnreachableDatabaseFailsWhatQueuedAndWhatComesAtOnceUntilAFlushSucceeds() async throws {
        let down = Mutex(true)
        let flushes = Mutex(0)
        let committer = GroupCommitter<Int, Int>(
            window: .zero, maxBatch: 2, unreachable: { ($0 as? StoreError)?.isUnavailable == true }
        ) { items in
            flushes.withLock { $0 += 1 }
            guard down.withLock({ $0 }) else { return items }
            try await Task.sleep(for: .seconds(1))
            throw StoreError.unavailable("connection wait over")
        }
        let started = ContinuousClock.now
        // Ten writers at once: in batches of two, each waiting 1 s, the last would wait 5 s.
        let waits = await withTaskGroup(of: Duration.self) { group in
            for value in 0..<10 {
                group.addTask {
                    _ = try? await committer.submit(value)
                    return ContinuousClock.now - started
                }
            }
            return await group.reduce(into: [Duration]()) { $0.append($1) }
        }
        // One flush found out and answered the rest: none waited for a flush of its own (timing
        // is not asserted — on a loaded machine a 1 s sleep takes what it takes).
        #expect(flushes.withLock { $0 } == 1, "\(waits)")
        // A probe finds out again; while it waits, another item fails at once, without a flush.
        async let probe: Void = { _ = try? await committer.submit(11) }()
        #expect(await eventually(timeout: .seconds(10), every: .milliseconds(10)) { flushes.withLock { $0 } == 2 })
        let quick = ContinuousClock.now
        await #expect(throws: StoreError.self) { try await committer.submit(12) }
        #expect(ContinuousClock.now - quick < .milliseconds(500))
        await probe
        #expect(flushes.withLock { $0 } == 2)
        // The database comes back: the next item is the probe, succeeds, and writing resumes for everyone.
        down.withLock { $0 = false }
        #expect(try await committer.submit(13) == 13)
        #expect(try await committer.submit(14) == 14)
        #expect(flushes.withLock { $0 } == 4)
    }
}
