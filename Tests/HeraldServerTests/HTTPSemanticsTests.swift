import HTTPTypes
import HeraldCore
import HeraldTestSupport
import HummingbirdTesting
import Testing

/// What schemathesis's stricter checks hold the API to, tested directly: a known path with the
/// wrong method is 405 with `Allow`; no key is 401 before the body is judged; a null inside a
/// list and a non-ASCII URL are refused.
struct HTTPSemanticsTests {
    @Test func aKnownPathWithAnotherMethodIs405WithAllow() async throws {
        try await APITestHarness().test { client in
            let (status, body, headers) = try await client.call(.init("TRACE")!, "/api/v1/messages/batch")
            #expect(status == .methodNotAllowed)
            #expect(headers[.allow] == "POST")
            #expect(body["error"] == .string("method_not_allowed"))
            let (health, _, healthHeaders) = try await client.call(.delete, "/health", key: nil)
            #expect(health == .methodNotAllowed)
            #expect(healthHeaders[.allow] == "GET")
            // An unknown path stays 404.
            #expect(try await client.call(.get, "/api/v1/nowhere").status == .notFound)
        }
    }

    @Test func noKeyIs401BeforeTheBodyIsJudged() async throws {
        try await APITestHarness().test { client in
            let (status, body, _) = try await client.call(.post, "/api/v1/tenants", json: #"{"id": "!!"}"#, key: nil)
            #expect(status == .unauthorized)
            #expect(body["error"] == .string("unauthorized"))
            // The open paths answer without one.
            #expect(try await client.call(.get, "/health", key: nil).status == .ok)
        }
    }

    @Test func aNullInsideAListAndANonASCIIURLAreRefused() async throws {
        try await APITestHarness().test { client in
            let (profile, profileBody, _) = try await client.call(
                .post, "/api/v1/tenants/default/profiles",
                json: #"{"name": "p", "channel": "webhook", "config": {}, "outlet_ids": ["a", null]}"#, key: APITestHarness.adminKey
            )
            #expect(profile == .unprocessableContent)
            #expect(BadInputTests.fields(in: profileBody) == ["outlet_ids[1]"])
            let (tenant, tenantBody, _) = try await client.call(
                .post, "/api/v1/tenants", json: #"{"id": "t1", "events_url": "https://ex\u00e4mple.com/in"}"#, key: APITestHarness.adminKey
            )
            #expect(tenant == .unprocessableContent)
            #expect(BadInputTests.fields(in: tenantBody) == ["events_url"])
        }
    }
}
