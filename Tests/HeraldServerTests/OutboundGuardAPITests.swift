import HTTPTypes
import HeraldCore
import HeraldTestSupport
import HummingbirdTesting
import Testing

/// Herald refuses, at ingest and with 422 `address_not_allowed`, a URL whose host is a literal
/// address in a refused range, in any spelling — secure by default.
struct OutboundGuardAPITests {
    static func strictHarness() -> APITestHarness {
        var harness = APITestHarness()
        harness.outbound = OutboundPolicy()
        return harness
    }

    /// The `code` of each entry of an error's `details`, in order.
    static func codes(_ body: JSONValue) -> [String] {
        body["details"]?.arrayValue?.compactMap { $0["code"]?.stringValue } ?? []
    }

    @Test(arguments: ["http://127.0.0.1:9/hook", "http://127.1/hook", "http://2130706433/", "http://[::1]/x", "http://169.254.169.254/latest"])
    func aWebhookToARefusedAddressIs422(url: String) async throws {
        try await Self.strictHarness().test { client in
            let (status, body, _) = try await client.call(.post, "/api/v1/messages", json: #"{"channel": "webhook", "url": "\#(url)", "content": "hi"}"#)
            #expect(status == .unprocessableContent)
            #expect(Self.codes(body) == ["address_not_allowed"], "\(body)")
        }
    }

    @Test func eventsURLsAndProfilesAreGuardedToo() async throws {
        try await Self.strictHarness().test { client in
            let (tenant, tenantBody, _) = try await client.call(
                .post, "/api/v1/tenants", json: #"{"id": "guarded", "events_url": "http://10.0.0.5/events"}"#, key: APITestHarness.adminKey
            )
            #expect(tenant == .unprocessableContent)
            #expect(BadInputTests.fields(in: tenantBody) == ["events_url"], "\(tenantBody)")
            #expect(Self.codes(tenantBody) == ["address_not_allowed"])
            let (profile, profileBody, _) = try await client.call(
                .post, "/api/v1/tenants/default/profiles",
                json: #"{"name": "bot", "channel": "botserver", "config": {"url": "http://192.168.1.20/synthetic"}}"#,
                key: APITestHarness.adminKey
            )
            #expect(profile == .unprocessableContent)
            #expect(Self.codes(profileBody) == ["address_not_allowed"], "\(profileBody)")
        }
    }
}
