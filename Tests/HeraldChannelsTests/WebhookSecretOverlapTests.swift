import HeraldTestSupport
import Foundation
import HTTPTypes
import HeraldChannels
import HeraldCore
import Testing

/// Rotating the server's webhook secret: the previous one signs beside the new one until the
/// overlap ends, so a receiver that knows either accepts every request meanwhile.
struct WebhookSecretOverlapTests {
    typealias Webhook = WebhookChannelTests
    static let previous = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD"

    static func signatures(until: Date?) async throws -> (header: String, id: String, body: Data) {
        var configuration = WebhookConfiguration(defaults: .init(secret: Webhook.secret))
        configuration.previousSecret = Self.previous
        configuration.previousSecretUntil = until
        let channel = try Webhook.channel(configuration)
        let receiver = RecordingReceiver()
        let message = try await receiver.run { base in
            let message = Webhook.message(url: base + "/in")
            _ = await channel.send(message, attempt: 1)
            return message
        }
        let request = try #require(receiver.requests.first)
        return (try #require(request.headers[HTTPField.Name("webhook-signature")!]), message.id.rawValue, request.body)
    }

    @Test func bothSecretsSignDuringTheOverlap() async throws {
        let (header, id, body) = try await Self.signatures(until: Webhook.now.addingTimeInterval(3600))
        #expect(header.split(separator: " ").count == 2)
        for secret in [Webhook.secret, Self.previous] {
            let signer = try #require(WebhookSigner(secret: secret))
            #expect(signer.verify(id: id, timestamp: 1_800_000_000, body: body, signatureHeader: header), "\(secret)")
        }
    }

    @Test func afterTheOverlapOnlyTheNewOneSigns() async throws {
        let (header, id, body) = try await Self.signatures(until: Webhook.now.addingTimeInterval(-1))
        #expect(header.split(separator: " ").count == 1)
        #expect(try #require(WebhookSigner(secret: Webhook.secret)).verify(id: id, timestamp: 1_800_000_000, body: body, signatureHeader: header))
        #expect(try #require(WebhookSigner(secret: Self.previous)).verify(id: id, timestamp: 1_800_000_000, body: body, signatureHeader: header) == false)
    }
}
