import Foundation
import HeraldClient
import HeraldCore
import HeraldSink
import NIOHTTP1
import HeraldTestSupport
import Testing

/// HeraldClient against a real `herald serve` delivering to a real sink: the typed client's
/// calls and errors, and the Emitter's 10,000 messages arriving exactly once.
struct HeraldClientProcessTests {
    static let key = "client-process-key"
    static let admin = "client-process-admin"

    static func server(sinkURL: String, folder: URL, paused: Bool = false) async throws -> HeraldProcess {
        try await HeraldProcess(database: folder.appendingPathComponent("herald.sqlite").path, environment: [
            "HERALD_API_KEY": Self.key, "HERALD_ADMIN_KEY": Self.admin, "HERALD_WEBHOOK_SECRET": CrashRecoveryTests.secret,
            "HERALD_WEBHOOK_URL": sinkURL, "HERALD_DISPATCHER_PAUSED": paused ? "true" : "false",
        ])
    }

    @Test(.timeLimit(.minutes(3)))
    func theEmitterDeliversTenThousandMessagesExactlyOnce() async throws {
        let total = 10_000
        // The real binaries: `herald sink` and `herald serve`.
        let sink = try await SinkProcess(secret: CrashRecoveryTests.secret)
        let server = try await Self.server(sinkURL: sink.url, folder: try TemporaryDirectory.make())
        let emitter = try BatchEmitter.builder()
            .serverURL(URL(string: "http://127.0.0.1:\(server.port)")!).apiKey(Self.key).build()
        try await emitter.withRunning { emitter in
            for index in 0..<total {
                await emitter.add(OutgoingMessage(channel: "webhook", url: sink.url, content: "m-\(index)"))
            }
            await emitter.flush()
        }
        let counters = emitter.counters
        #expect(counters.added == total && counters.sent == total && counters.failed == 0 && counters.dropped == 0)
        var stats = JSONValue.null
        let deadline = ContinuousClock.now + .seconds(90)
        while ContinuousClock.now < deadline {
            stats = try await sink.stats()
            if (stats["unique_delivered"]?.integerValue ?? 0) >= total { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(stats["unique_delivered"] == .integer(Int64(total)), "\(stats)")
        #expect(stats["received"] == .integer(Int64(total)))
        #expect(stats["duplicates"] == .integer(0))
        #expect(stats["invalid_signatures"] == .integer(0))
        #expect(await server.terminate() == 0)
        await sink.terminate()
    }

    @Test(.timeLimit(.minutes(2)))
    func theTypedClientSendsReadsCancelsAndNamesEachError() async throws {
        try await withSink(secret: CrashRecoveryTests.secret) { sinkURL, ledger in
            let server = try await Self.server(sinkURL: sinkURL, folder: try TemporaryDirectory.make())
            let base = URL(string: "http://127.0.0.1:\(server.port)")!
            let herald = Herald(serverURL: base, apiKey: Self.key)

            var hello = OutgoingMessage(channel: "webhook", url: sinkURL, content: "hello", metadata: ["order": .string("A-1")])
            hello.idempotencyKey = "order-A-1"
            let sent = try await herald.sendAndWait(hello, timeout: .seconds(10))
            #expect(sent.status == .sent)
            #expect(sent.metadata["order"] == .string("A-1"))
            // The same key again: the original, not a second message.
            #expect(try await herald.send(hello).id == sent.id)
            #expect(try await herald.status(id: sent.id).status == .sent)
            let attempts = try await herald.attempts(id: sent.id)
            #expect(attempts.map(\.outcome) == ["sent"])
            #expect(attempts.first?.httpStatus == 200)
            #expect(try await herald.list(MessageListQuery(statuses: [.sent])).messages.map(\.id) == [sent.id])

            var later = OutgoingMessage(channel: "webhook", url: sinkURL, content: "later")
            later.sendAt = Date().addingTimeInterval(3600)
            let scheduled = try await herald.send(later)
            #expect(scheduled.status == .scheduled)
            #expect(try await herald.cancel(id: scheduled.id).status == .cancelled)
            await #expect(throws: HeraldClientError.self) { try await herald.cancel(id: scheduled.id) }
            do throws(HeraldClientError) {
                _ = try await herald.retry(id: sent.id)
                Issue.record("retrying a sent message should conflict")
            } catch {
                guard case .conflict(let code, _) = error else { Issue.record("got \(error)"); return }
                #expect(code == "invalid_state")
            }

            let batch = try await herald.sendBatch([
                OutgoingMessage(channel: "webhook", url: sinkURL, content: "one"),
                OutgoingMessage(channel: "webhook", url: "ftp://example.test/hook", content: "bad url"),
            ])
            #expect(batch.accepted == 1 && batch.rejected == 1)
            guard case .rejected(.validation(let problems)) = batch.outcomes[1] else { Issue.record("\(batch.outcomes[1])"); return }
            #expect(problems.map(\.field) == ["messages[1].url"], "\(problems)")

            do throws(HeraldClientError) {
                _ = try await herald.message(id: "msg_01JAAAAAAAAAAAAAAAAAAAAAAA")
                Issue.record("an unknown id should be notFound")
            } catch {
                #expect(error == .notFound(message: error.description))
            }
            do throws(HeraldClientError) {
                _ = try await Herald(serverURL: base, apiKey: "wrong").list()
                Issue.record("a wrong key should be unauthorized")
            } catch {
                guard case .unauthorized = error else { Issue.record("got \(error)"); return }
            }
            do throws(HeraldClientError) {
                _ = try await herald.send(OutgoingMessage(channel: "pigeon", content: "coo"))
                Issue.record("an unknown channel should fail validation")
            } catch {
                guard case .validation(let problems) = error else { Issue.record("got \(error)"); return }
                #expect(problems.map(\.field) == ["channel"])
            }
            do throws(HeraldClientError) {
                // AsyncHTTPClient tries to connect until the call's timeout.
                _ = try await Herald(serverURL: URL(string: "http://127.0.0.1:9")!, apiKey: Self.key, timeout: .seconds(1)).list()
                Issue.record("a closed port should be a transport error")
            } catch {
                guard case .transport = error else { Issue.record("got \(error)"); return }
                #expect(error.isRetryable)
            }

            // A tenant at its quota: 429 with how long until it resets.
            let (created, _) = try await ProviderChannelsProcessTests.call(
                .POST, "/api/v1/tenants", port: server.port, key: Self.admin, body: #"{"id": "small", "quota": {"limit": 1, "period": "day"}}"#
            )
            #expect(created == .created)
            let (_, keyAnswer) = try await ProviderChannelsProcessTests.call(.POST, "/api/v1/tenants/small/keys", port: server.port, key: Self.admin, body: "{}")
            let small = Herald(serverURL: base, apiKey: try #require(keyAnswer["key"]?.stringValue))
            _ = try await small.send(OutgoingMessage(channel: "webhook", url: sinkURL, content: "first"))
            do throws(HeraldClientError) {
                _ = try await small.send(OutgoingMessage(channel: "webhook", url: sinkURL, content: "second"))
                Issue.record("the second message should exceed the quota")
            } catch {
                guard case .quotaExceeded(let retryAfter, _) = error else { Issue.record("got \(error)"); return }
                #expect((retryAfter ?? .zero) > .zero && (retryAfter ?? .zero) <= .seconds(86_400))
            }
            _ = ledger
            #expect(await server.terminate() == 0)
        }
    }
}
