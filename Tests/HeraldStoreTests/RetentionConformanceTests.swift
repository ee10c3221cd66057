import Foundation
import GRDB
import HeraldCore
import HeraldDispatcher
@testable import HeraldStore
@testable import HeraldStoreSQLite
import HeraldTestSupport
import Logging
import Testing

/// `retention.message_content` on every driver: finished messages past the cut-off lose their
/// content, payload, template and metadata — once, in batches — and keep everything else,
/// their delivery log included; messages still to be sent keep theirs.
struct RetentionConformanceTests {
    typealias Suite = StoreConformanceTests

    static func message(_ content: String) -> Message {
        Message(
            id: .generate(at: Suite.start),
            draft: MessageDraft(
                channel: "webhook", url: "https://hooks.example.com/in", content: content,
                payload: .object(["secret": .string(content)]), metadata: ["order": .string("42")]
            ),
            now: Suite.start
        )
    }

    /// Claims every due message and records `resolution` for each, at `now`.
    static func finish(_ store: any HeraldStore, _ resolution: Completion.Resolution, at now: Date) async throws {
        let claimed = try await Suite.claim(store, at: now)
        for message in claimed {
            #expect(try await Suite.complete(store, message, resolution, at: now))
        }
    }

    @Test(arguments: StoreKind.allCases)
    func finishedMessagesPastTheCutOffLoseTheirContentOnly(kind: StoreKind) async throws {
        try await kind.withStore { (store: any HeraldStore) async throws in
            let sent = Self.message("sent long ago")
            _ = try await store.enqueue([sent])
            try await Self.finish(store, .sent(providerMessageID: "p-1"), at: Suite.start)
            let waiting = Self.message("still queued")
            _ = try await store.enqueue([waiting])
            let later = Suite.start.addingTimeInterval(7200)

            // Before the cut-off nothing is old enough.
            #expect(try await store.clearContent(finishedBefore: Suite.start, limit: 100, now: later) == 0)
            #expect(try await store.clearContent(finishedBefore: Suite.start.addingTimeInterval(1), limit: 100, now: later) == 1)
            let cleared = try #require(try await store.message(id: sent.id, tenant: nil))
            #expect(cleared.content == nil && cleared.payload == nil && cleared.metadata.isEmpty && cleared.template == nil)
            #expect(cleared.status == .sent)
            #expect(cleared.providerMessageID == "p-1")
            #expect(cleared.recipient == sent.recipient && cleared.url == sent.url)
            #expect(try await store.attempts(messageID: sent.id).count == 1, "the delivery log stays")
            // The queued one keeps what it will send.
            #expect(try await store.message(id: waiting.id, tenant: nil)?.content == "still queued")
            // Cleared once.
            #expect(try await store.clearContent(finishedBefore: later, limit: 100, now: later) == 0)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aSweepWorksInBatchesUntilNoneIsLeft(kind: StoreKind) async throws {
        try await kind.withStore { (store: any HeraldStore) async throws in
            _ = try await store.enqueue((0..<5).map { Self.message("m\($0)") })
            try await Self.finish(store, .failed(error: "HTTP 410"), at: Suite.start)
            #expect(try await store.clearContent(finishedBefore: Suite.start.addingTimeInterval(1), limit: 2, now: Suite.start) == 2)
            let clock = ManualClock(start: Suite.start.addingTimeInterval(86_400 * 31))
            let sweeper = RetentionSweeper(
                store: store, keep: .seconds(86_400 * 30), batchSize: 2, clock: clock, logger: Logger(label: "test")
            )
            #expect(await sweeper.sweep() == 3)
            #expect(await sweeper.sweep() == 0)
            let all = try await store.listMessages(MessageQuery(tenant: .default, limit: 10))
            #expect(all.allSatisfy { $0.content == nil })
        }
    }

    @Test func sqliteFindsThemThroughItsIndex() throws {
        let path = try TemporaryDirectory.make().appendingPathComponent("h.sqlite").path
        let store = try SQLiteStore(configuration: .init(path: path))
        try store.migrate()
        let plan = try store.pool.read { db in
            try Row.fetchAll(db, sql: """
                EXPLAIN QUERY PLAN SELECT id FROM messages
                WHERE content_cleared_at IS NULL AND status NOT IN ('scheduled', 'queued', 'sending') AND updated_at < 1
                ORDER BY updated_at LIMIT 500
                """).map { $0["detail"] as String }.joined(separator: "\n")
        }
        #expect(plan.contains("messages_retention"), "\(plan)")
    }

    @Test(arguments: StoreKind.allCases)
    func aFailedMessageWhoseContentWasClearedCannotBeRetried(kind: StoreKind) async throws {
        try await kind.withStore { (store: any HeraldStore) async throws in
            let failed = Self.message("gone soon")
            _ = try await store.enqueue([failed])
            try await Self.finish(store, .failed(error: "HTTP 410"), at: Suite.start)
            let later = Suite.start.addingTimeInterval(7200)
            #expect(try await store.clearContent(finishedBefore: later, limit: 100, now: later) == 1)
            #expect(try await store.message(id: failed.id, tenant: nil)?.contentClearedAt == later)

            let refusal = await #expect(throws: StoreError.self) { try await store.retry(id: failed.id, tenant: nil, now: later) }
            #expect(refusal?.isContentCleared == true)
            let stored = try #require(try await store.message(id: failed.id, tenant: nil))
            #expect(stored.status == .failed, "nothing is queued to send an empty body")
            #expect(try await Suite.claim(store, at: later).isEmpty)
        }
    }
}
