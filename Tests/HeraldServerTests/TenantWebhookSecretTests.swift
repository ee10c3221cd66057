import Foundation
import HTTPTypes
import HeraldChannels
import HeraldCore
import HeraldServer
import HeraldStore
import HeraldStoreSQLite
import HeraldAPI
import HeraldTestSupport
import Testing

/// Every tenant's webhooks are signed with a secret of its own: a receiver can tell one tenant's
/// webhook from another's, no tenant can have Herald sign for another, and a partner's
/// endpoint settings go only with the webhooks of the tenants it lists.
@Suite(.serialized)
struct TenantWebhookSecretTests {
    static let partnerSecret = "whsec_cGFydG5lci1zZWNyZXQtZm9yLXRlc3RzLW9ubHk="

    /// The signatures in a request's `webhook-signature` that `secret` verifies.
    static func signed(_ request: RecordingReceiver.Recorded, with secret: String) -> Bool {
        guard let signer = WebhookSigner(secret: secret),
              let id = request.headers[HTTPField.Name("webhook-id")!],
              let timestamp = request.headers[HTTPField.Name("webhook-timestamp")!].flatMap(Int.init),
              let header = request.headers[HTTPField.Name("webhook-signature")!]
        else { return false }
        return signer.verify(id: id, timestamp: timestamp, body: request.body, signatureHeader: header)
    }

    static func signatureCount(_ request: RecordingReceiver.Recorded) -> Int {
        request.headers[HTTPField.Name("webhook-signature")!]?.split(separator: " ").count ?? 0
    }

    /// Sends one webhook for `key` to `url` and returns the request the receiver got for it.
    static func deliver(_ server: ComposedServer, key: String, to url: String, _ receiver: RecordingReceiver) async throws -> RecordingReceiver.Recorded {
        let before = receiver.count
        let (status, _) = try await server.call(.post, "/api/v1/messages", key: key, json: #"{"url": "\#(url)", "content": "hello"}"#)
        try #require(status == .accepted)
        try #require(await eventually { receiver.count == before + 1 })
        return receiver.requests[before]
    }

    @Test func eachTenantsWebhooksAreSignedWithItsOwnSecretOnly() async throws {
        let receiver = RecordingReceiver()
        try await receiver.run { base in
            try await ComposedServer.run(.sqlite) { server in
                let (keyA, tenantA) = try await server.makeTenant("tenant-a")
                let (keyB, tenantB) = try await server.makeTenant("tenant-b")
                let secretA = try #require(tenantA["webhook_secret"]?.stringValue)
                let secretB = try #require(tenantB["webhook_secret"]?.stringValue)
                #expect(secretA.hasPrefix("whsec_") && secretA != secretB)
                // Shown once: reading the tenant again does not show it.
                #expect(try await server.call(.get, "/api/v1/tenants/tenant-b", key: ComposedServer.adminKey).1["webhook_secret"] == nil)

                let fromB = try await Self.deliver(server, key: keyB, to: base + "/b", receiver)
                #expect(Self.signed(fromB, with: secretB))
                #expect(!Self.signed(fromB, with: secretA), "A's secret verifies nothing of B's")
                #expect(!Self.signed(fromB, with: ComposedServer.secret), "nor does the server's")
                #expect(Self.signatureCount(fromB) == 1)
                let fromA = try await Self.deliver(server, key: keyA, to: base + "/a", receiver)
                #expect(Self.signed(fromA, with: secretA) && !Self.signed(fromA, with: secretB))
                // The default tenant's are signed with webhook.secret, as before.
                let fromDefault = try await Self.deliver(server, key: ComposedServer.key, to: base + "/d", receiver)
                #expect(Self.signed(fromDefault, with: ComposedServer.secret))
            }
        }
    }

    @Test func aPartnersEndpointSettingsGoOnlyWithTheTenantsItLists() async throws {
        let receiver = RecordingReceiver()
        try await receiver.run { base in
            try await ComposedServer.run(.sqlite, configure: { configuration in
                configuration.webhook.bearerToken = "server-token"
                configuration.webhook.endpoints = [WebhookEndpoint(
                    prefix: try! WebhookURLPrefix(base + "/partner", setting: "test"),
                    settings: WebhookEndpointSettings(secret: Self.partnerSecret, bearerToken: "partner-token", headers: ["X-Partner": "yes"]),
                    tenants: [TenantID("tenant-a")]
                )]
            }) { server in
                let (keyA, _) = try await server.makeTenant("tenant-a")
                let (keyB, tenantB) = try await server.makeTenant("tenant-b")
                let secretB = try #require(tenantB["webhook_secret"]?.stringValue)

                let fromA = try await Self.deliver(server, key: keyA, to: base + "/partner/in", receiver)
                #expect(fromA.headers[.authorization] == "Bearer partner-token")
                #expect(fromA.headers[HTTPField.Name("x-partner")!] == "yes")
                #expect(Self.signed(fromA, with: Self.partnerSecret))

                // B names the partner's URL: no partner token, no partner header, B's own signature.
                let fromB = try await Self.deliver(server, key: keyB, to: base + "/partner/in", receiver)
                #expect(fromB.headers[.authorization] == nil, "neither the partner's token nor the server's")
                #expect(fromB.headers[HTTPField.Name("x-partner")!] == nil)
                #expect(!Self.signed(fromB, with: Self.partnerSecret))
                #expect(Self.signed(fromB, with: secretB))
            }
        }
    }

    @Test func aRotatedSecretSignsBesideTheNewOneForTheOverlap() async throws {
        let receiver = RecordingReceiver()
        try await receiver.run { base in
            try await ComposedServer.run(.sqlite) { server in
                let (keyB, tenantB) = try await server.makeTenant("tenant-b")
                let old = try #require(tenantB["webhook_secret"]?.stringValue)
                let (status, rotated) = try await server.call(.post, "/api/v1/tenants/tenant-b/webhook-secret/rotate", key: ComposedServer.adminKey)
                #expect(status == .ok)
                #expect(rotated["tenant_id"] == .string("tenant-b"))
                let new = try #require(rotated["webhook_secret"]?.stringValue)
                #expect(new != old && new.hasPrefix("whsec_"))
                #expect(rotated["previous_secret_expires_at"]?.stringValue != nil)

                let request = try await Self.deliver(server, key: keyB, to: base + "/b", receiver)
                #expect(Self.signatureCount(request) == 2)
                #expect(Self.signed(request, with: new) && Self.signed(request, with: old))

                // Only the admin key rotates; the default tenant's is webhook.secret.
                #expect(try await server.call(.post, "/api/v1/tenants/tenant-b/webhook-secret/rotate", key: keyB).0 == .forbidden)
                let (refused, body) = try await server.call(.post, "/api/v1/tenants/default/webhook-secret/rotate", key: ComposedServer.adminKey)
                #expect(refused == .conflict)
                #expect(body["error"] == .string("secret_configured"))
                #expect(try await server.call(.post, "/api/v1/tenants/nobody/webhook-secret/rotate", key: ComposedServer.adminKey).0 == .notFound)
            }
        }
    }

    @Test func aTenantMadeBeforeTenantsHadSecretsKeepsTheServersSignatureUntilItsFirstRotation() async throws {
        // A database from before: a tenant with a key and no webhook secret.
        let path = try TemporaryDirectory.make().appendingPathComponent("upgraded.sqlite").path
        let old = try SQLiteStore(configuration: .init(path: path))
        try old.migrate()
        let now = Date()
        try await old.createTenant(Tenant(id: TenantID("veteran"), name: "veteran", createdAt: now, updatedAt: now))
        let (key, record) = APIKeyAuthenticator.generateKey(for: TenantID("veteran"), now: now)
        try await old.insertAPIKey(record)
        #expect(try await old.tenant(id: TenantID("veteran"))?.webhookSecret == nil)

        let receiver = RecordingReceiver()
        try await receiver.run { base in
            try await ComposedServer.run(.sqlite, configure: { $0.database.path = path }) { server in
                // Its receivers know only the server's secret: that still signs, beside its own.
                let before = try await Self.deliver(server, key: key, to: base + "/v", receiver)
                #expect(Self.signatureCount(before) == 2)
                #expect(Self.signed(before, with: ComposedServer.secret))

                let (status, rotated) = try await server.call(.post, "/api/v1/tenants/veteran/webhook-secret/rotate", key: ComposedServer.adminKey)
                #expect(status == .ok)
                let new = try #require(rotated["webhook_secret"]?.stringValue)
                // From the first rotation: the new secret, and the server's for the overlap only.
                let after = try await Self.deliver(server, key: key, to: base + "/v", receiver)
                #expect(Self.signatureCount(after) == 2)
                #expect(Self.signed(after, with: new) && Self.signed(after, with: ComposedServer.secret))
            }
        }
    }
}
