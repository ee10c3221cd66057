import Foundation
import HTTPTypes
import HeraldCore
import HeraldStore
import HeraldTestSupport
import HummingbirdTesting
import Testing

/// Listing, status, cancel and retry over the API.
struct MessageLifecycleAPITests {
    @Test func listsNewestFirstWithCursorAndFilters() async throws {
        let harness = APITestHarness()
        var ids: [MessageID] = []
        for index in 0..<5 {
            ids.append(try await harness.enqueue(content: "m\(index)"))
            harness.clock.advance(by: .seconds(1))
        }
        _ = try await harness.enqueue(tenant: TenantID("someone-else"))
        try await harness.test { [ids] client in
            let (status, page1, _) = try await client.call(.get, "/api/v1/messages?limit=2")
            #expect(status == .ok)
            guard case .array(let first)? = page1["messages"], let cursor = page1["next_cursor"]?.stringValue else {
                Issue.record("no page in \(page1)")
                return
            }
            #expect(first.compactMap { $0["id"]?.stringValue } == [ids[4].rawValue, ids[3].rawValue])
            #expect(first.first?["is_sent"] == .bool(false))

            let (_, page2, _) = try await client.call(.get, "/api/v1/messages?limit=2&cursor=\(cursor)")
            guard case .array(let second)? = page2["messages"] else { return }
            #expect(second.compactMap { $0["id"]?.stringValue } == [ids[2].rawValue, ids[1].rawValue])

            let (_, page3, _) = try await client.call(.get, "/api/v1/messages?limit=2&offset=4")
            guard case .array(let third)? = page3["messages"] else { return }
            #expect(third.compactMap { $0["id"]?.stringValue } == [ids[0].rawValue])
            #expect(page3["next_cursor"] == .null)

            let (_, cancelled, _) = try await client.call(.get, "/api/v1/messages?status=cancelled,failed")
            #expect(cancelled["count"] == .number(0))
            let (_, all, _) = try await client.call(.get, "/api/v1/messages?status=queued&channel=webhook")
            #expect(all["count"] == .number(5))
        }
    }

    @Test(arguments: ["limit=0", "limit=abc", "limit=5000", "offset=-1", "status=lost", "cursor=%%%", "created_after=yesterday"])
    func badListParametersAreNamed(query: String) async throws {
        try await APITestHarness().test { client in
            let (status, body, _) = try await client.call(.get, "/api/v1/messages?\(query)")
            #expect(status == .unprocessableContent)
            guard case .array(let details)? = body["details"] else {
                Issue.record("no details in \(body)")
                return
            }
            #expect(details.first?["field"]?.stringValue == String(query.prefix { $0 != "=" }))
        }
    }

    @Test func statusAnswersWhereTheMessageIs() async throws {
        let harness = APITestHarness()
        let id = try await harness.enqueue()
        try await harness.test { client in
            let (status, body, _) = try await client.call(.get, "/api/v1/messages/\(id)/status")
            #expect(status == .ok)
            #expect(body["message_id"] == .string(id.rawValue))
            #expect(body["status"] == .string("queued"))
            // Clients of the replaced services read these as explicit nulls, not missing keys.
            for field in ["failure_reason", "provider_message_id", "last_error", "sent_at", "delivered_at", "read_at", "failed_at", "cancelled_at"] {
                #expect(body[field] == .null, "\(field)")
            }
            #expect(body["next_attempt_at"]?.stringValue.flatMap(Timestamp.parse) != nil)
        }
    }

    @Test func cancelOnlyPendingMessages() async throws {
        let harness = APITestHarness()
        let id = try await harness.enqueue()
        let foreign = try await harness.enqueue(tenant: TenantID("other"))
        try await harness.test { client in
            let (status, body, _) = try await client.call(.post, "/api/v1/messages/\(id)/cancel")
            #expect(status == .ok)
            #expect(body["status"] == .string("cancelled"))
            #expect(body["cancelled_at"] != .null)

            let (again, error, _) = try await client.call(.post, "/api/v1/messages/\(id)/cancel")
            #expect(again == .conflict)
            #expect(error["error"] == .string("invalid_state"))
            #expect(error["message"] == .string("only scheduled or queued messages can be cancelled; this one is cancelled"))

            let (other, _, _) = try await client.call(.post, "/api/v1/messages/\(foreign)/cancel")
            #expect(other == .notFound)
        }
        #expect(try await harness.store.message(id: foreign, tenant: nil)?.status == .queued)
    }

    @Test func retryOnlyFailedMessages() async throws {
        let harness = APITestHarness()
        let id = try await harness.enqueue()
        try await harness.test { client in
            let (refused, error, _) = try await client.call(.post, "/api/v1/messages/\(id)/retry")
            #expect(refused == .conflict)
            #expect(error["message"] == .string("only failed messages can be retried; this one is queued"))
        }
        let claimed = try await harness.store.claim(.init(owner: "o", limit: 1, now: harness.clock.now(), leaseDuration: .seconds(30)))[0]
        let attempt = AttemptRecord(
            id: .generate(), messageID: id, number: 1, startedAt: harness.clock.now(), duration: .zero,
            httpStatus: 410, outcome: .failed, error: "HTTP 410", responseExcerpt: nil
        )
        _ = try await harness.store.complete([Completion(messageID: claimed.id, lease: try #require(claimed.lease?.token), resolution: .failed(error: "HTTP 410"), attempt: attempt, now: harness.clock.now())])
        try await harness.test { client in
            let (_, before, _) = try await client.call(.get, "/api/v1/messages/\(id)/status")
            #expect(before["failure_reason"] == .string("HTTP 410"))
            let (status, body, _) = try await client.call(.post, "/api/v1/messages/\(id)/retry")
            #expect(status == .ok)
            #expect(body["status"] == .string("queued"))
            #expect(body["attempts"] == .number(0))
        }
    }

    @Test func aMessageWhoseContentWasClearedIsNotSentAgain() async throws {
        let harness = APITestHarness()
        let id = try await harness.enqueue()
        let claimed = try await harness.store.claim(.init(owner: "o", limit: 1, now: harness.clock.now(), leaseDuration: .seconds(30)))[0]
        _ = try await harness.store.complete([Completion(
            messageID: claimed.id, lease: try #require(claimed.lease?.token), resolution: .failed(error: "HTTP 410"), attempt: nil,
            now: harness.clock.now()
        )])
        let later = harness.clock.now().addingTimeInterval(3600)
        #expect(try await harness.store.clearContent(finishedBefore: later, limit: 10, now: later) == 1)
        try await harness.test { client in
            let (status, body, _) = try await client.call(.post, "/api/v1/messages/\(id)/retry")
            #expect(status == .conflict)
            #expect(body["error"] == .string("content_cleared"))
            #expect(body["message"]?.stringValue?.contains("retention.message_content") == true)
        }
        #expect(try await harness.store.message(id: id, tenant: nil)?.status == .failed, "nothing was queued to go out empty")
    }
}
