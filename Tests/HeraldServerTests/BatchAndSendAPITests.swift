import Foundation
import HTTPTypes
import HeraldAPI
import HeraldCore
import HeraldDispatcher
import HeraldSink
import HeraldStore
import HeraldTestSupport
import HummingbirdTesting
import Testing

struct BatchAPITests {
    @Test func acceptsValidItemsAndRejectsOthersInOrder() async throws {
        let harness = APITestHarness()
        try await harness.test { client in
            let (status, body, _) = try await client.call(.post, "/api/v1/messages/batch", json: """
                {"messages": [
                    {"url": "https://x.test/a", "content": "one", "idempotency_key": "k1"},
                    {"url": "https://x.test/b", "priority": "high"},
                    "not an object",
                    {"url": "https://x.test/c", "content": "three"}
                ]}
                """)
            #expect(status == .accepted)
            #expect(body["accepted"] == .number(2))
            #expect(body["rejected"] == .number(2))
            guard case .array(let results)? = body["results"], results.count == 4 else {
                Issue.record("no results in \(body)")
                return
            }
            #expect(results.map { $0["status"]?.stringValue } == ["accepted", "rejected", "rejected", "accepted"])
            #expect(results.map { $0["index"] } == [.number(0), .number(1), .number(2), .number(3)])
            guard case .array(let details)? = results[1]["error"]?["details"] else {
                Issue.record("no details for item 1")
                return
            }
            #expect(Set(details.compactMap { $0["field"]?.stringValue }) == ["messages[1].priority"])
            #expect(results[2]["error"]?["details"] == .array([.object([
                "field": .string("messages[2]"), "code": .string("wrong_type"), "problem": .string("each message must be a JSON object"),
            ])]))

            // Replaying the batch: the keyed item is found again, the unkeyed one stored anew.
            let (again, replay, _) = try await client.call(.post, "/api/v1/messages/batch", json: """
                [{"url": "https://x.test/a", "content": "one", "idempotency_key": "k1"}, {"url": "https://x.test/a", "content": "two", "idempotency_key": "k1"}]
                """)
            #expect(again == .ok)
            guard case .array(let replayed)? = replay["results"] else { return }
            #expect(replayed.map { $0["status"]?.stringValue } == ["existing", "rejected"])
            #expect(replayed[0]["message_id"] == results[0]["message_id"])
            #expect(replayed[1]["error"]?["error"] == .string("idempotency_conflict"))
        }
        #expect(try await harness.store.countByStatus(tenant: .default) == [.queued: 2])
    }

    @Test func batchBoundsAreEnforced() async throws {
        var harness = APITestHarness()
        harness.limits.maxBatchItems = 3
        try await harness.test { client in
            let (tooMany, body, _) = try await client.call(.post, "/api/v1/messages/batch", json: "[{},{},{},{}]")
            #expect(tooMany == .unprocessableContent)
            #expect(body["details"] != nil)
            let (empty, _, _) = try await client.call(.post, "/api/v1/messages/batch", json: #"{"messages": []}"#)
            #expect(empty == .unprocessableContent)
            let (wrongShape, _, _) = try await client.call(.post, "/api/v1/messages/batch", json: #"{"items": []}"#)
            #expect(wrongShape == .unprocessableContent)
            let (allBad, bad, _) = try await client.call(.post, "/api/v1/messages/batch", json: #"[{"priority": 1.5}]"#)
            #expect(allBad == .unprocessableContent)
            #expect(bad["rejected"] == .number(1))
        }
    }

    /// Bodies that are no batch at all are refused as a whole, each with its own precise answer.
    @Test(arguments: [
        (#"{"messages": "all of them"}"#, HTTPResponse.Status.unprocessableContent, "validation_failed"),
        (#"{"items": [{}]}"#, .unprocessableContent, "validation_failed"),
        (#""one message""#, .badRequest, "invalid_json"),
        (#"[{"url": "https://x.test""#, .badRequest, "invalid_json"),
        ("", .badRequest, "invalid_json"),
    ])
    func malformedBatchesAreRefusedWhole(json: String, status: HTTPResponse.Status, code: String) async throws {
        let harness = APITestHarness()
        try await harness.test { client in
            let (answer, body, _) = try await client.call(.post, "/api/v1/messages/batch", json: json)
            #expect(answer == status)
            #expect(body["error"] == .string(code))
            if status == .unprocessableContent { #expect(BadInputTests.fields(in: body) == ["messages"]) }
            if status == .badRequest { #expect(body["message"]?.stringValue?.isEmpty == false) }
        }
        #expect(try await harness.store.countByStatus(tenant: .default).isEmpty)
    }

    /// A batch has its own body size limit, larger than a single message's.
    @Test func batchesHaveTheirOwnBodyLimit() async throws {
        var harness = APITestHarness()
        harness.limits.maxBodyBytes = 1024
        harness.limits.maxBatchBodyBytes = 16 * 1024
        let item = #"{"url": "https://x.test", "content": "\#(String(repeating: "x", count: 100))"}"#
        try await harness.test { client in
            let fits = "[" + Array(repeating: item, count: 50).joined(separator: ",") + "]"
            #expect(fits.utf8.count > 1024)
            let (accepted, body, _) = try await client.call(.post, "/api/v1/messages/batch", json: fits)
            #expect(accepted == .accepted)
            #expect(body["accepted"] == .number(50))
            let tooBig = "[" + Array(repeating: item, count: 200).joined(separator: ",") + "]"
            let (refused, error, _) = try await client.call(.post, "/api/v1/messages/batch", json: tooBig)
            #expect(refused == .contentTooLarge)
            #expect(error["error"] == .string("body_too_large"))
        }
        #expect(try await harness.store.countByStatus(tenant: .default) == [.queued: 50])
    }
}

struct AliasAPITests {
    @Test func replacedServicesBodiesAreUnderstood() async throws {
        var harness = APITestHarness()
        harness.defaultWebhookURL = "https://hooks.test/in"
        try await harness.test { client in
            let (status, body, _) = try await client.call(.post, "/api/v1/messages", json: """
                {"phoneNumber": "+31612345678", "message": "Your order shipped", "message_type": "text",
                 "tenant_id": "shop-7", "outlet_id": 42, "conversation_id": "conv-9"}
                """)
            #expect(status == .accepted)
            #expect(body["to"] == .string("+31612345678"))
            #expect(body["content"] == .string("Your order shipped"))
            #expect(body["conversation_id"] == .string("conv-9"))
            #expect(body["outlet_id"] == .number(42))
            #expect(body["message_id"] == body["id"])
            #expect(body["metadata"]?["message_type"] == .string("text"))
            #expect(body["metadata"]?["tenant_id"] == .string("shop-7"))
            #expect(body["failure_reason"] == .null)
        }
    }
}

struct SendAPITests {
    /// Runs the harness's dispatcher under a service group while `body` runs.
    static func withDispatcher(_ harness: APITestHarness, _ body: @escaping @Sendable (APIDependencies) async throws -> Void) async throws {
        let dependencies = try harness.dependencies()
        try await withRunningServices([dependencies.dispatcher]) { _ in try await body(dependencies) }
    }

    @Test func waitsForTheFirstAttempt() async throws {
        let harness = APITestHarness()
        try await withSink(secret: APITestHarness.secret) { url, _ in
            try await Self.withDispatcher(harness) { dependencies in
                try await harness.test(dependencies: dependencies) { client in
                    let (status, body, _) = try await client.call(.post, "/api/v1/messages/send?timeout=10", json: #"{"url": "\#(url)", "content": "now"}"#)
                    #expect(status == .ok)
                    #expect(body["status"] == .string("sent"))
                    #expect(body["attempts"] == .number(1))
                }
            }
        }
    }

    @Test func reportsAPermanentFailure() async throws {
        let harness = APITestHarness()
        try await withSink(secret: APITestHarness.secret, behaviour: .init(status: 410)) { url, _ in
            try await Self.withDispatcher(harness) { dependencies in
                try await harness.test(dependencies: dependencies) { client in
                    let (status, body, _) = try await client.call(.post, "/api/v1/messages/send", json: #"{"url": "\#(url)", "content": "x", "timeout": 10}"#)
                    #expect(status == .ok)
                    #expect(body["status"] == .string("failed"))
                    #expect(body["failure_reason"] == .string("HTTP 410"))
                }
            }
        }
    }

    /// A message that ends without an attempt (here: it expired before it was claimed) is
    /// answered with its end at once, not after the wait runs out.
    @Test func answersAtOnceWhenTheMessageEndsWithoutAnAttempt() async throws {
        let harness = APITestHarness()
        try await harness.test { client in
            let expiry = Timestamp.format(harness.clock.now().addingTimeInterval(60))
            let started = ContinuousClock.now
            async let sent = client.call(
                .post, "/api/v1/messages/send?timeout=30", json: #"{"url": "https://x.test", "content": "x", "expires_at": "\#(expiry)"}"#
            )
            // Once it is stored, let it expire, then claim it.
            #expect(await eventually { (try? await harness.store.countByStatus(tenant: nil)[.queued]) == 1 })
            harness.clock.advance(by: .seconds(61))
            _ = try await client.call(.post, "/api/v1/messaging/process")
            let (status, body, _) = try await sent
            #expect(ContinuousClock.now - started < .seconds(25), "answered when it ended, not after the 30 s wait")
            #expect(status == .ok)
            #expect(body["status"] == .string("failed"))
            #expect(body["failure_reason"] == .string("expired"))
        }
    }

    @Test func answers202WhenTheWaitRunsOut() async throws {
        let harness = APITestHarness()
        // No dispatcher runs: the message stays queued.
        try await harness.test { client in
            let (status, body, _) = try await client.call(.post, "/api/v1/messages/send?timeout=0.2", json: #"{"url": "https://x.test", "content": "x"}"#)
            #expect(status == .accepted)
            #expect(body["status"] == .string("queued"))
        }
    }

    /// A wait that is not 0–30 seconds, in the query or the body, is refused before anything is stored.
    @Test(arguments: [
        ("?timeout=45", #"{"url": "https://x.test", "content": "x"}"#),
        ("?timeout=soon", #"{"url": "https://x.test", "content": "x"}"#),
        ("?timeout=-1", #"{"url": "https://x.test", "content": "x"}"#),
        ("", #"{"url": "https://x.test", "content": "x", "timeout": "soon"}"#),
        ("", #"{"url": "https://x.test", "content": "x", "timeout": 31}"#),
        ("", #"{"url": "https://x.test", "content": "x", "timeout": [1]}"#),
        ("?timeout=5", #"{"url": "https://x.test", "content": "x", "timeout": "soon"}"#),
    ])
    func badTimeoutsAreNamed(query: String, json: String) async throws {
        let harness = APITestHarness()
        try await harness.test { client in
            let (status, body, _) = try await client.call(.post, "/api/v1/messages/send" + query, json: json)
            #expect(status == .unprocessableContent)
            #expect(body["error"] == .string("validation_failed"))
            #expect(BadInputTests.fields(in: body) == ["timeout"])
        }
        #expect(try await harness.store.countByStatus(tenant: .default).isEmpty)
    }
}
