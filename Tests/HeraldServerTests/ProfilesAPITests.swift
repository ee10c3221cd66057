import HTTPTypes
import Foundation
import HeraldAPI
import HeraldCore
import HeraldStore
import HeraldTestSupport
import HeraldSink
import Testing

/// Sender profiles through the API, and messages sent with them: chosen at ingest, sent through
/// a fake provider, dry runs at each level.
struct ProfilesAPITests {
    static let admin = APITestHarness.adminKey
    static let token = "EAAG-very-secret-9876"

    static func whatsAppProfile(_ name: String, base: String = "http://127.0.0.1:1", outlets: String = "[]", isDefault: Bool = false, dryRun: Bool = false) -> String {
        """
        {"name": "\(name)", "channel": "whatsapp", "outlet_ids": \(outlets), "default": \(isDefault), "dry_run": \(dryRun),
         "config": {"phone_number_id": "106540352242922", "access_token": "\(token)", "base_url": "\(base)"}}
        """
    }

    @Test func adminManagesProfilesAndCredentialsNeverShow() async throws {
        let harness = APITestHarness()
        var dependencies = try harness.dependencies()
        let logs = LogCapture()
        dependencies.logger = logs.logger
        try await harness.test(dependencies: dependencies) { client in
            let (created, profile, _) = try await client.call(.post, "/api/v1/tenants/default/profiles", json: Self.whatsAppProfile("shop-1", outlets: "[42]"), key: Self.admin)
            #expect(created == .created)
            #expect(profile["config"]?["access_token"] == .string("…9876"))
            #expect(profile["outlet_ids"] == .array([.string("42")]))
            #expect(profile["id"]?.stringValue?.hasPrefix("prf_") == true)

            // A sending key may read, never write.
            #expect(try await client.call(.post, "/api/v1/tenants/default/profiles", json: Self.whatsAppProfile("x"), key: APITestHarness.key).status == .forbidden)
            let (_, list, _) = try await client.call(.get, "/api/v1/tenants/default/profiles")
            #expect(list["profiles"]?.arrayValue?.count == 1)
            #expect(try await client.call(.get, "/api/v1/tenants/other/profiles").status == .notFound)
            #expect(try await client.call(.get, "/api/v1/tenants/default/profiles/nope").status == .notFound)

            let (patched, changed, _) = try await client.call(
                .patch, "/api/v1/tenants/default/profiles/shop-1", json: #"{"config": {"phone_number_id": "999"}, "dry_run": true}"#, key: Self.admin
            )
            #expect(patched == .ok)
            #expect(changed["config"]?["phone_number_id"] == .string("999"))
            #expect(changed["config"]?["access_token"] == .string("…9876"))
            #expect(changed["dry_run"] == .bool(true))

            let (conflict, _, _) = try await client.call(.post, "/api/v1/tenants/default/profiles", json: Self.whatsAppProfile("shop-2", outlets: "[\"42\"]"), key: Self.admin)
            #expect(conflict == .conflict)

            let (deleted, _, _) = try await client.call(.delete, "/api/v1/tenants/default/profiles/shop-1", key: Self.admin)
            #expect(deleted == .noContent)
        }
        #expect(!logs.lines.joined().contains(Self.token))
    }

    @Test func badProfilesGetA422ListingEachProblem() async throws {
        try await APITestHarness().test { client in
            let (status, body, _) = try await client.call(
                .post, "/api/v1/tenants/default/profiles",
                json: #"{"name": "bad name", "channel": "twilio", "config": {"account_sid": "AC1", "auth_token": "secret-token-value"}, "colour": 1}"#,
                key: Self.admin
            )
            #expect(status == .unprocessableContent)
            let fields = Set(body["details"]?.arrayValue?.compactMap { $0["field"]?.stringValue } ?? [])
            #expect(fields == ["name", "colour", "config.account_sid", "config.from"])
            let text = body["message"]?.stringValue ?? ""
            #expect(!text.isEmpty && !text.contains("secret-token-value"))
            let (unknown, _, _) = try await client.call(.post, "/api/v1/tenants/default/profiles", json: #"{"name": "x", "channel": "fax", "config": {}}"#, key: Self.admin)
            #expect(unknown == .unprocessableContent)
        }
    }

    @Test func choosesTheProfileByNameThenOutletThenDefault() async throws {
        try await APITestHarness().test { client in
            for body in [Self.whatsAppProfile("shop-1", outlets: "[42]"), Self.whatsAppProfile("main", isDefault: true)] {
                #expect(try await client.call(.post, "/api/v1/tenants/default/profiles", json: body, key: Self.admin).status == .created)
            }
            let (_, named, _) = try await client.call(.post, "/api/v1/messages", json: #"{"profile": "main", "to": "+14155550100", "content": "a"}"#)
            // The WhatsApp sender service's body, unchanged: the bound outlet decides the channel and profile.
            let (seeded, byOutlet, _) = try await client.call(
                .post, "/api/v1/messages", json: #"{"tenant_id": "t-1", "outlet_id": 42, "to": "4915112345678", "message": "b", "message_type": "text"}"#
            )
            #expect(seeded == .accepted)
            let (_, byDefault, _) = try await client.call(.post, "/api/v1/messages", json: #"{"channel": "whatsapp", "to": "+14155550100", "content": "c"}"#)
            let profiles = try await client.call(.get, "/api/v1/tenants/default/profiles").body["profiles"]?.arrayValue ?? []
            let id = { (name: String) in profiles.first { $0["name"] == .string(name) }?["id"] }
            #expect(named["profile_id"] == id("main"))
            #expect(byOutlet["profile_id"] == id("shop-1"))
            #expect(byOutlet["channel"] == .string("whatsapp"))
            #expect(byOutlet["to"] == .string("+4915112345678"))
            #expect(byOutlet["whatsapp_message_id"] == .null)
            #expect(byDefault["profile_id"] == id("main"))
            let (_, listed, _) = try await client.call(.get, "/api/v1/messages?profile=main")
            #expect(listed["messages"]?.arrayValue?.count == 2)
            let (_, none, _) = try await client.call(.get, "/api/v1/messages?profile=nobody")
            #expect(none["messages"]?.arrayValue?.count == 0)
            let (_, byOutletFilter, _) = try await client.call(.get, "/api/v1/messages?outlet_id=42")
            #expect(byOutletFilter["messages"]?.arrayValue?.count == 1)
        }
    }

    @Test(arguments: [
        (#"{"channel": "twilio", "to": "+14155550100", "content": "a"}"#, "profile"),
        (#"{"profile": "nobody", "to": "+14155550100", "content": "a"}"#, "profile"),
        (#"{"channel": "whatsapp", "profile": "main", "to": "12", "content": "a"}"#, "to"),
        (#"{"channel": "botserver", "to": "u-1"}"#, "profile"),
        (#"{"channel": "whatsapp", "profile": "main", "to": "+14155550100", "content": "a", "expires_at": "soon"}"#, "expires_at"),
        (#"{"channel": "whatsapp", "profile": "main", "to": "+14155550100", "template": {"language": {}}}"#, "template.name"),
        (#"{"profile": "main", "to": "+14155550100", "content": "a", "dry_run": "yes"}"#, "dry_run"),
    ])
    func badMessagesForProviderChannelsAre422(body: String, field: String) async throws {
        try await APITestHarness().test { client in
            _ = try await client.call(.post, "/api/v1/tenants/default/profiles", json: Self.whatsAppProfile("main", isDefault: true), key: Self.admin)
            let (status, answer, _) = try await client.call(.post, "/api/v1/messages", json: body)
            #expect(status == .unprocessableContent)
            let fields = answer["details"]?.arrayValue?.compactMap { $0["field"]?.stringValue } ?? []
            #expect(fields.contains(field), "\(fields)")
        }
    }

    @Test func aMessageGoesThroughTheProviderAndAnswersItsWamid() async throws {
        let provider = FakeProvider()
        try await provider.run { base in
            try await APITestHarness().test { client in
                _ = try await client.call(.post, "/api/v1/tenants/default/profiles", json: Self.whatsAppProfile("main", base: base, isDefault: true), key: Self.admin)
                let (_, accepted, _) = try await client.call(.post, "/api/v1/messages", json: #"{"channel": "whatsapp", "to": "+14155550100", "content": "hi"}"#)
                let id = try #require(accepted["id"]?.stringValue)
                _ = try await client.call(.post, "/api/v1/messaging/process")
                let (_, message, _) = try await client.call(.get, "/api/v1/messages/\(id)")
                #expect(message["status"] == .string("sent"))
                #expect(message["whatsapp_message_id"] == .string("wamid.HBgL1"))
                #expect(message["provider_message_id"] == .string("wamid.HBgL1"))
                let (_, found, _) = try await client.call(.get, "/api/v1/messages?provider_message_id=wamid.HBgL1")
                #expect(found["messages"]?.arrayValue?.count == 1)
            }
        }
        #expect(provider.requests.count == 1)
    }

    @Test(arguments: ["message", "profile", "server"])
    func aDryRunSendsNothingAndEndsDryRun(level: String) async throws {
        let provider = FakeProvider()
        try await provider.run { base in
            var harness = APITestHarness()
            harness.dryRun = level == "server"
            try await harness.test { client in
                _ = try await client.call(
                    .post, "/api/v1/tenants/default/profiles", json: Self.whatsAppProfile("main", base: base, isDefault: true, dryRun: level == "profile"), key: Self.admin
                )
                let dry = level == "message" ? #", "dry_run": true"# : ""
                let (_, accepted, _) = try await client.call(.post, "/api/v1/messages", json: #"{"channel": "whatsapp", "to": "+14155550100", "content": "hi", "idempotency_key": "k-1""# + dry + "}")
                #expect(accepted["dry_run"] == .bool(true))
                let id = try #require(accepted["id"]?.stringValue)
                _ = try await client.call(.post, "/api/v1/messaging/process")
                let (_, message, _) = try await client.call(.get, "/api/v1/messages/\(id)")
                #expect(message["status"] == .string("dry_run"))
                let (_, log, _) = try await client.call(.get, "/api/v1/messages/\(id)/attempts")
                let entries = log["attempts"]?.arrayValue ?? []
                #expect(entries.count == 1)
                #expect(entries.first?["outcome"] == .string("dry_run"))
                #expect(entries.first?["response_excerpt"]?.stringValue?.contains("/v26.0/106540352242922/messages") == true)
                if level == "message" {
                    // The real run with the same key is another message: the key conflicts.
                    let (real, _, _) = try await client.call(.post, "/api/v1/messages", json: #"{"channel": "whatsapp", "to": "+14155550100", "content": "hi", "idempotency_key": "k-1"}"#)
                    #expect(real == .conflict)
                }
            }
        }
        #expect(provider.requests.isEmpty)
    }

    @Test func aMessageAlreadyExpiredIsRefusedAtIngest() async throws {
        let harness = APITestHarness()
        try await harness.test { client in
            let (status, body, _) = try await client.call(
                .post, "/api/v1/messages", json: #"{"url": "https://x.test", "content": "code 1234", "expires_at": "2020-01-01T00:00:00Z"}"#
            )
            #expect(status == .unprocessableContent)
            #expect(body["error"] == .string("validation_failed"))
            let problem = try #require(body["details"]?.arrayValue?.first)
            #expect(problem["field"] == .string("expires_at"))
            #expect(problem["code"] == .string("expired"))
        }
        #expect(try await harness.store.countByStatus(tenant: nil).values.reduce(0, +) == 0, "nothing stored")
    }

    @Test func aMessageThatExpiresBeforeItsClaimFailsWithoutGoingOut() async throws {
        let provider = FakeProvider()
        let harness = APITestHarness()
        try await provider.run { base in
            try await harness.test { client in
                _ = try await client.call(.post, "/api/v1/tenants/default/profiles", json: Self.whatsAppProfile("main", base: base, isDefault: true), key: Self.admin)
                let expiry = Timestamp.format(harness.clock.now().addingTimeInterval(60))
                let (_, accepted, _) = try await client.call(
                    .post, "/api/v1/messages", json: #"{"channel": "whatsapp", "to": "+14155550100", "content": "code 1234", "expires_at": "\#(expiry)"}"#
                )
                let id = try #require(accepted["id"]?.stringValue)
                harness.clock.advance(by: .seconds(61))
                _ = try await client.call(.post, "/api/v1/messaging/process")
                let (_, message, _) = try await client.call(.get, "/api/v1/messages/\(id)")
                #expect(message["status"] == .string("failed"))
                #expect(message["failure_reason"] == .string("expired"))
            }
        }
        #expect(provider.requests.isEmpty)
    }

    @Test func aTenantsDefaultChannelAppliesToMessagesThatNameNone() async throws {
        try await APITestHarness().test { client in
            let (unknown, refused, _) = try await client.call(.patch, "/api/v1/tenants/default", json: #"{"default_channel": "fax"}"#, key: Self.admin)
            #expect(unknown == .unprocessableContent)
            #expect(refused["details"]?.arrayValue?.first?["field"] == .string("default_channel"))
            let (_, tenant, _) = try await client.call(.patch, "/api/v1/tenants/default", json: #"{"default_channel": "whatsapp"}"#, key: Self.admin)
            #expect(tenant["default_channel"] == .string("whatsapp"))
            _ = try await client.call(.post, "/api/v1/tenants/default/profiles", json: Self.whatsAppProfile("main", isDefault: true), key: Self.admin)
            let (status, message, _) = try await client.call(.post, "/api/v1/messages", json: #"{"to": "+14155550100", "content": "hi"}"#)
            #expect(status == .accepted)
            #expect(message["channel"] == .string("whatsapp"))
            let (_, cleared, _) = try await client.call(.patch, "/api/v1/tenants/default", json: #"{"default_channel": null}"#, key: Self.admin)
            #expect(cleared["default_channel"] == .null)
        }
    }

    /// A client of the WhatsApp sender service posts its body to `…/send` unchanged and gets a
    /// WhatsApp message and its `whatsapp_message_id` back.
    @Test func theWhatsAppSenderServicesClientMovesOverUnchanged() async throws {
        let provider = FakeProvider()
        let harness = APITestHarness()
        try await provider.run { base in
            try await SendAPITests.withDispatcher(harness) { dependencies in
                try await harness.test(dependencies: dependencies) { client in
                    _ = try await client.call(.post, "/api/v1/tenants/default/profiles", json: Self.whatsAppProfile("shop-7", base: base, outlets: "[7]"), key: Self.admin)
                    let (status, body, _) = try await client.call(
                        .post, "/api/v1/messages/send",
                        json: #"{"tenant_id": "acme", "outlet_id": "7", "to": "+14155550100", "message": "Your table is ready", "message_type": "text"}"#
                    )
                    #expect(status == .ok)
                    #expect(body["status"] == .string("sent"))
                    #expect(body["channel"] == .string("whatsapp"))
                    #expect(body["whatsapp_message_id"] == .string("wamid.HBgL1"))
                    #expect(body["outlet_id"] == .string("7"))
                }
            }
        }
    }

    @Test func anotherTenantsProfileCannotBeNamed() async throws {
        let harness = APITestHarness()
        try await harness.createTenant(TenantID("t-2"))
        try await harness.test { client in
            let (created, _, _) = try await client.call(.post, "/api/v1/tenants/t-2/profiles", json: Self.whatsAppProfile("theirs"), key: Self.admin)
            #expect(created == .created)
            let (status, body, _) = try await client.call(.post, "/api/v1/messages", json: #"{"profile": "theirs", "to": "+14155550100", "content": "a"}"#)
            #expect(status == .unprocessableContent)
            #expect(body["details"]?.arrayValue?.first?["code"] == .string("unknown_profile"))
            #expect(try await client.call(.get, "/api/v1/tenants/t-2/profiles/theirs").status == .notFound)
        }
    }

    @Test func theCheckRouteSaysWhatTheProviderAnswered() async throws {
        let provider = FakeProvider()
        try await provider.run { base in
            try await APITestHarness().test { client in
                _ = try await client.call(.post, "/api/v1/tenants/default/profiles", json: Self.whatsAppProfile("main", base: base), key: Self.admin)
                let (status, check, _) = try await client.call(.post, "/api/v1/tenants/default/profiles/main/check")
                #expect(status == .ok)
                #expect(check["ok"] == .bool(true))
                #expect(check["http_status"] == .integer(200))
                #expect(check["detail"] == .string("phone number +1 555-0100 (Test Shop) answered"))
            }
        }
        #expect(provider.requests.first?.path == "/v26.0/106540352242922")
    }

    /// The fingerprint holds what the client asked for: after the tenant's default profile
    /// changes, the same body with the same key is still a replay of the original.
    @Test func aReplayAfterTheDefaultChangedIsStillAReplay() async throws {
        try await APITestHarness().test { client in
            _ = try await client.call(.post, "/api/v1/tenants/default/profiles", json: Self.whatsAppProfile("main", isDefault: true), key: Self.admin)
            let body = #"{"channel": "whatsapp", "to": "+14155550100", "content": "hi", "idempotency_key": "order-1"}"#
            let (first, original, _) = try await client.call(.post, "/api/v1/messages", json: body)
            #expect(first == .accepted)
            _ = try await client.call(.patch, "/api/v1/tenants/default/profiles/main", json: #"{"default": false}"#, key: Self.admin)
            _ = try await client.call(.post, "/api/v1/tenants/default/profiles", json: Self.whatsAppProfile("other", isDefault: true), key: Self.admin)
            let (again, replayed, _) = try await client.call(.post, "/api/v1/messages", json: body)
            #expect(again == .ok)
            #expect(replayed["id"] == original["id"])
        }
    }
}
