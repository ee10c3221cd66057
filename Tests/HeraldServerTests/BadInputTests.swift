import Foundation
import HTTPTypes
import HeraldCore
import HeraldStore
import HeraldTestSupport
import HummingbirdTesting
import Testing

/// Every bad input gets a 4xx with a stable code and a message a person can act on.
struct BadInputTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var json: String
        var status: HTTPResponse.Status
        var code: String
        var fields: [String] = []
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "truncated JSON", json: #"{"url": "https://x.test", "content": "#, status: .badRequest, code: "invalid_json"),
        Case(name: "not JSON", json: "hello", status: .badRequest, code: "invalid_json"),
        Case(name: "empty body", json: "", status: .badRequest, code: "invalid_json"),
        Case(name: "array body", json: "[1,2]", status: .badRequest, code: "invalid_json"),
        Case(name: "number for url", json: #"{"url": 5, "content": "x"}"#, status: .unprocessableContent, code: "validation_failed", fields: ["url"]),
        Case(name: "string for priority", json: #"{"url": "https://x.test", "content": "x", "priority": "high"}"#, status: .unprocessableContent, code: "validation_failed", fields: ["priority"]),
        Case(name: "fractional priority", json: #"{"url": "https://x.test", "content": "x", "priority": 1.5}"#, status: .unprocessableContent, code: "validation_failed", fields: ["priority"]),
        Case(name: "priority out of range", json: #"{"url": "https://x.test", "content": "x", "priority": 1000}"#, status: .unprocessableContent, code: "validation_failed", fields: ["priority"]),
        Case(name: "unknown channel", json: #"{"channel": "pigeon", "content": "x"}"#, status: .unprocessableContent, code: "validation_failed", fields: ["channel"]),
        Case(name: "missing url", json: #"{"content": "x"}"#, status: .unprocessableContent, code: "validation_failed", fields: ["url"]),
        Case(name: "bad url", json: #"{"url": "not a url", "content": "x"}"#, status: .unprocessableContent, code: "validation_failed", fields: ["url"]),
        Case(name: "ftp url", json: #"{"url": "ftp://x.test/a", "content": "x"}"#, status: .unprocessableContent, code: "validation_failed", fields: ["url"]),
        Case(name: "nothing to send", json: #"{"url": "https://x.test"}"#, status: .unprocessableContent, code: "validation_failed", fields: ["content"]),
        Case(name: "payload not an object", json: #"{"url": "https://x.test", "payload": [1]}"#, status: .unprocessableContent, code: "validation_failed", fields: ["payload"]),
        Case(name: "metadata not an object", json: #"{"url": "https://x.test", "content": "x", "metadata": "m"}"#, status: .unprocessableContent, code: "validation_failed", fields: ["metadata"]),
        Case(name: "bad send_at", json: #"{"url": "https://x.test", "content": "x", "send_at": "tomorrow"}"#, status: .unprocessableContent, code: "validation_failed", fields: ["send_at"]),
        Case(name: "empty idempotency key", json: #"{"url": "https://x.test", "content": "x", "idempotency_key": ""}"#, status: .unprocessableContent, code: "validation_failed", fields: ["idempotency_key"]),
        Case(name: "null content type", json: #"{"url": "https://x.test", "content": null, "to": 7}"#, status: .unprocessableContent, code: "validation_failed", fields: ["to"]),
        Case(name: "NUL in a string", json: #"{"url": "https://x.test", "content": "a\u0000b", "to": "\u0000"}"#, status: .unprocessableContent, code: "validation_failed", fields: ["to", "content"]),
        Case(name: "several problems at once", json: #"{"url": "https://x.test", "content": "x", "priority": 999, "send_at": "soon"}"#, status: .unprocessableContent, code: "validation_failed", fields: ["send_at", "priority"]),
    ]

    /// The `field` of each entry of an error's `details`, in order.
    static func fields(in body: JSONValue) -> [String]? {
        guard case .array(let details)? = body["details"] else { return nil }
        return details.compactMap { $0["field"]?.stringValue }
    }

    @Test(arguments: cases, ["/api/v1/messages", "/api/v1/messages/send?timeout=0"])
    func badBodies(_ testCase: Case, route: String) async throws {
        let harness = APITestHarness()
        try await harness.test { client in
            let (status, body, _) = try await client.call(.post, route, json: testCase.json)
            #expect(status == testCase.status)
            #expect(body["error"] == .string(testCase.code))
            #expect(body["message"]?.stringValue?.isEmpty == false)
            if !testCase.fields.isEmpty { #expect(Self.fields(in: body) == testCase.fields) }
        }
        // Nothing was stored.
        #expect(try await harness.store.claim(.init(owner: "x", limit: 10, now: harness.clock.now(), leaseDuration: .seconds(1))).isEmpty)
    }

    /// A route served through the generated interface: its decoding refuses these, and the
    /// answer is still the API's own precise one.
    @Test(arguments: [
        Case(name: "number for name", json: #"{"name": 5}"#, status: .unprocessableContent, code: "validation_failed", fields: ["name"]),
        Case(name: "NUL in name", json: #"{"name": "a\u0000"}"#, status: .unprocessableContent, code: "validation_failed", fields: ["name"]),
        Case(name: "name too long", json: #"{"name": ""# + String(repeating: "n", count: 201) + #""}"#, status: .unprocessableContent, code: "validation_failed", fields: ["name"]),
        Case(name: "truncated JSON", json: #"{"name": "#, status: .badRequest, code: "invalid_json"),
        Case(name: "array body", json: "[1]", status: .badRequest, code: "invalid_json"),
    ])
    func badKeyBodies(_ testCase: Case) async throws {
        let harness = APITestHarness()
        try await harness.test { client in
            let (status, body, _) = try await client.call(.post, "/api/v1/tenants/default/keys", json: testCase.json, key: APITestHarness.adminKey)
            #expect(status == testCase.status)
            #expect(body["error"] == .string(testCase.code))
            #expect(body["message"]?.stringValue?.isEmpty == false)
            if !testCase.fields.isEmpty { #expect(Self.fields(in: body) == testCase.fields) }
        }
        #expect(try await harness.store.apiKeys(tenant: TenantID("default")).isEmpty)
    }

    @Test func keyBodiesHaveLimitsAndAType() async throws {
        try await APITestHarness().test { client in
            let big = #"{"name": ""# + String(repeating: "n", count: 20_000) + #""}"#
            let (tooLarge, large, _) = try await client.call(.post, "/api/v1/tenants/default/keys", json: big, key: APITestHarness.adminKey)
            #expect(tooLarge == .contentTooLarge)
            #expect(large["error"] == .string("body_too_large"))
            let (unsupported, media, _) = try await client.call(
                .post, "/api/v1/tenants/default/keys", json: #"{"name": "x"}"#, key: APITestHarness.adminKey,
                headers: [.contentType: "text/plain"]
            )
            #expect(unsupported == .unsupportedMediaType)
            #expect(media["error"] == .string("unsupported_media_type"))
            // No body at all is a key without a name.
            let (created, key, _) = try await client.call(.post, "/api/v1/tenants/default/keys", key: APITestHarness.adminKey)
            #expect(created == .created)
            #expect(key["name"] == .null)
        }
    }

    @Test func anAcceptHeaderTheAPICannotMeetIsNotConsulted() async throws {
        let harness = APITestHarness()
        let id = try await harness.enqueue()
        try await harness.test { client in
            let (status, body, _) = try await client.call(.post, "/api/v1/messages/\(id)/cancel", headers: [.accept: "text/plain"])
            #expect(status == .ok)
            #expect(body["status"] == .string("cancelled"))
        }
    }

    @Test func anUnknownKeyOnAnAdminRouteIsToldThatItNeedsTheAdminKey() async throws {
        try await APITestHarness().test { client in
            let (status, body, _) = try await client.call(.post, "/api/v1/tenants", json: #"{"id": "shop-1"}"#, key: "not-a-key-this-server-knows")
            #expect(status == .unauthorized)
            #expect(body["error"] == .string("unauthorized"))
            #expect(body["message"]?.stringValue?.contains("this route needs the admin key") == true, "\(body)")
            #expect(body["message"]?.stringValue?.contains("HERALD_ADMIN_KEY as it was set when herald serve started") == true)
            // A tenant route with the same key is told to send a valid key, not the admin's.
            let (other, tenantBody, _) = try await client.call(.get, "/api/v1/messages", key: "not-a-key-this-server-knows")
            #expect(other == .unauthorized)
            #expect(tenantBody["message"]?.stringValue?.contains("admin") == false, "\(tenantBody)")
        }
    }

    @Test func invalidJSONSaysWhere() async throws {
        try await APITestHarness().test { client in
            let (_, body, _) = try await client.call(.post, "/api/v1/messages", json: #"{"url": "https://x.test",, "content": "x"}"#)
            let message = try #require(body["message"]?.stringValue)
            #expect(message.contains("line 1"), "\(message)")
        }
    }

    @Test func oversizedBodiesGet413() async throws {
        try await APITestHarness().test { client in
            let big = #"{"url":"https://x.test","content":""# + String(repeating: "x", count: 10_000) + #""}"#
            let (status, body, _) = try await client.call(.post, "/api/v1/messages", json: big)
            #expect(status == .contentTooLarge)
            #expect(body["error"] == .string("body_too_large"))
        }
    }

    @Test func nonJSONContentTypeGets415() async throws {
        try await APITestHarness().test { client in
            let (status, body, _) = try await client.call(
                .post, "/api/v1/messages", json: #"{"url":"https://x.test","content":"x"}"#,
                headers: [.contentType: "text/plain"]
            )
            #expect(status == .unsupportedMediaType)
            #expect(body["error"] == .string("unsupported_media_type"))
        }
    }

    @Test func unknownIDsAndRoutesGet404InTheSameShape() async throws {
        try await APITestHarness().test { client in
            for uri in ["/api/v1/messages/msg_01M83RP5KF8SXN585PSSR22MT4", "/api/v1/messages/not-an-id", "/api/v1/messages/msg_01M83RP5KF8SXN585PSSR22MT4/attempts", "/nowhere"] {
                let (status, body, _) = try await client.call(.get, uri)
                #expect(status == .notFound, "\(uri)")
                #expect(body["error"] == .string("not_found"), "\(uri)")
            }
        }
    }
}
