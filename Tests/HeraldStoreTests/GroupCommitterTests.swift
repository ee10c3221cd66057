import Foundation
@testable import HeraldStore
import Synchronization
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
}
