import Foundation
import HTTPTypes
import HeraldCore
import HeraldStore
import HeraldTestSupport
import HummingbirdTesting
import Testing

struct MessagesAPITests {
    @Test func healthNeedsNoKeyAndReportsTheDatabase() async throws {
        try await APITestHarness().test { client in
            let (status, body, _) = try await client.call(.get, "/health", key: nil)
            #expect(status == .ok)
            #expect(body == .object([
                "status": .string("ok"), "service": .string("herald"), "version": .string("9.9.9"),
                "environment": .string("test"), "database": .string("ok"),
            ]))
        }
    }

    @Test func acceptsAMessageAndReadsItBack() async throws {
        let harness = APITestHarness()
        try await harness.test { client in
            let (status, created, _) = try await client.call(.post, "/api/v1/messages", json: """
                {"url":"https://example.test/hook","content":"hello","metadata":{"conversation_id":"c-1"},"priority":3,"to":"user-1"}
                """)
            #expect(status == .accepted)
            let id = try #require(created["id"]?.stringValue)
            #expect(id.hasPrefix("msg_"))
            #expect(created["status"] == .string("queued"))
            #expect(created["channel"] == .string("webhook"))
            #expect(created["tenant_id"] == .string("default"))
            #expect(created["metadata"] == .object(["conversation_id": .string("c-1")]))
            #expect(created["priority"] == .number(3))
            #expect(created["to"] == .string("user-1"))

            // Stored durably before the answer.
            let stored = try #require(try await harness.store.message(id: MessageID(unchecked: id), tenant: nil))
            #expect(stored.url == "https://example.test/hook")

            let (readStatus, read, _) = try await client.call(.get, "/api/v1/messages/\(id)")
            #expect(readStatus == .ok)
            #expect(read == created)

            let (attemptsStatus, attempts, _) = try await client.call(.get, "/api/v1/messages/\(id)/attempts")
            #expect(attemptsStatus == .ok)
            #expect(attempts == .object(["message_id": .string(id), "attempts": .array([])]))
        }
    }

    /// A filter the search does not know is refused, never ignored: a misspelled one must not
    /// list everything.
    @Test func anUnknownSearchParameterIsRefusedNotIgnored() async throws {
        try await APITestHarness().test { client in
            _ = try await client.call(.post, "/api/v1/messages", json: #"{"url": "https://x.test", "content": "a"}"#)
            let (status, body, _) = try await client.call(.get, "/api/v1/messages?idempotency_kye=k-1&limit=5")
            #expect(status == .unprocessableContent)
            #expect(body["error"] == .string("validation_failed"))
            let problem = try #require(body["details"]?.arrayValue?.first)
            #expect(problem["field"] == .string("idempotency_kye"))
            #expect(problem["code"] == .string("unknown_parameter"))
            #expect(problem["problem"]?.stringValue?.contains("provider_message_id") == true, "\(problem)")
            let (known, list, _) = try await client.call(.get, "/api/v1/messages?limit=5&status=queued")
            #expect(known == .ok)
            #expect(list["messages"]?.arrayValue?.count == 1)
            // A parameter the document declares by reference (`kind`) is known too.
            let (events, _, _) = try await client.call(.get, "/api/v1/messages?kind=event")
            #expect(events == .ok)
        }
    }

    @Test func attemptsShowTheDeliveryLog() async throws {
        let harness = APITestHarness()
        let message = Message(id: .generate(), draft: MessageDraft(channel: "webhook", url: "https://x.test", content: "a"), now: harness.clock.now())
        _ = try await harness.store.enqueue([message])
        let claimed = try await harness.store.claim(ClaimParams(owner: "o", limit: 1, now: harness.clock.now(), leaseDuration: .seconds(30)))[0]
        let attempt = AttemptRecord(
            id: .generate(), messageID: message.id, number: 1, startedAt: harness.clock.now(), duration: .milliseconds(42),
            httpStatus: 503, outcome: .retry, error: "HTTP 503", responseExcerpt: "busy"
        )
        _ = try await harness.store.complete([Completion(
            messageID: claimed.id, lease: try #require(claimed.lease?.token), resolution: .retry(at: harness.clock.now().addingTimeInterval(5), error: "HTTP 503"),
            attempt: attempt, now: harness.clock.now()
        )])
        try await harness.test { client in
            let (_, body, _) = try await client.call(.get, "/api/v1/messages/\(message.id)/attempts")
            guard case .array(let attempts)? = body["attempts"], let first = attempts.first else {
                Issue.record("no attempts in \(body)")
                return
            }
            #expect(first["number"] == .number(1))
            #expect(first["http_status"] == .number(503))
            #expect(first["outcome"] == .string("retry"))
            #expect(first["error"] == .string("HTTP 503"))
            #expect(first["duration_ms"] == .number(42))
            #expect(first["response_excerpt"] == .string("busy"))
            let (_, message, _) = try await client.call(.get, "/api/v1/messages/\(message.id)")
            #expect(message["last_error"] == .string("HTTP 503"))
            #expect(message["attempts"] == .number(1))
        }
    }

    @Test func scheduledSendsAreScheduled() async throws {
        try await APITestHarness().test { client in
            let (status, body, _) = try await client.call(.post, "/api/v1/messages", json: """
                {"url":"https://example.test/hook","content":"later","send_at":"2099-01-01T10:00:00Z"}
                """)
            #expect(status == .accepted)
            #expect(body["status"] == .string("scheduled"))
            #expect(body["send_at"] == .string("2099-01-01T10:00:00.000Z"))
        }
    }

    @Test func idempotencyReturnsTheOriginalOrRefusesAConflict() async throws {
        try await APITestHarness().test { client in
            let json = #"{"url":"https://example.test/hook","content":"once","idempotency_key":"order-7"}"#
            let (firstStatus, first, _) = try await client.call(.post, "/api/v1/messages", json: json)
            #expect(firstStatus == .accepted)
            let (againStatus, again, _) = try await client.call(.post, "/api/v1/messages", json: json)
            #expect(againStatus == .ok)
            #expect(again["id"] == first["id"])

            // The header works too, and matches the body's key.
            let (headerStatus, viaHeader, _) = try await client.call(
                .post, "/api/v1/messages", json: #"{"url":"https://example.test/hook","content":"once"}"#,
                headers: [HTTPField.Name("Idempotency-Key")!: "order-7"]
            )
            #expect(headerStatus == .ok)
            #expect(viaHeader["id"] == first["id"])

            let (conflictStatus, conflict, _) = try await client.call(
                .post, "/api/v1/messages", json: #"{"url":"https://example.test/hook","content":"twice","idempotency_key":"order-7"}"#
            )
            #expect(conflictStatus == .conflict)
            #expect(conflict["error"] == .string("idempotency_conflict"))
        }
    }

    @Test func everyRouteUnderTheAPINeedsAValidKey() async throws {
        try await APITestHarness().test { client in
            for key in [nil, "wrong-key"] as [String?] {
                let (status, body, headers) = try await client.call(.post, "/api/v1/messages", json: #"{"content":"x"}"#, key: key)
                #expect(status == .unauthorized)
                #expect(body["error"] == .string("unauthorized"))
                #expect(headers[.wwwAuthenticate] == "Bearer")
                let (getStatus, _, _) = try await client.call(.get, "/api/v1/messages/msg_01M83RP5KF8SXN585PSSR22MT4", key: key)
                #expect(getStatus == .unauthorized)
            }
            let response = try await client.execute(
                uri: "/api/v1/messages/msg_01M83RP5KF8SXN585PSSR22MT4", method: .get,
                headers: [HTTPField.Name("X-API-Key")!: APITestHarness.key]
            )
            #expect(response.status == .notFound)
        }
    }

    /// The scheme in any case and blanks around the key are accepted; another scheme is no key.
    @Test(arguments: [
        ("Bearer \(APITestHarness.key)", HTTPResponse.Status.notFound),
        ("bearer \(APITestHarness.key)", .notFound),
        ("BEARER  \(APITestHarness.key) \t", .notFound),
        ("Basic \(APITestHarness.key)", .unauthorized),
        ("Bearer", .unauthorized),
        ("Bearer \(APITestHarness.key)x", .unauthorized),
    ])
    func authorizationHeaderForms(authorization: String, status: HTTPResponse.Status) async throws {
        try await APITestHarness().test { client in
            let (answer, _, _) = try await client.call(
                .get, "/api/v1/messages/msg_01M83RP5KF8SXN585PSSR22MT4", key: nil, headers: [.authorization: authorization]
            )
            #expect(answer == status)
        }
    }

    @Test func storedKeysAuthenticateTheirTenant() async throws {
        let harness = APITestHarness()
        let (key, record) = APIKeyAuthenticator.generateKey(for: TenantID("shop-9"), now: harness.clock.now())
        try await harness.store.insertAPIKey(record)
        try await harness.createTenant(TenantID("shop-9"))
        try await harness.test { client in
            let (status, body, _) = try await client.call(.post, "/api/v1/messages", json: #"{"url":"https://x.test","content":"a"}"#, key: key)
            #expect(status == .accepted)
            #expect(body["tenant_id"] == .string("shop-9"))
            let id = try #require(body["id"]?.stringValue)
            // Another tenant's key sees nothing: 404, not 403.
            let (otherStatus, other, _) = try await client.call(.get, "/api/v1/messages/\(id)")
            #expect(otherStatus == .notFound)
            #expect(other["error"] == .string("not_found"))
        }
    }
}

import HeraldAPI
