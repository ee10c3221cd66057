import HeraldTestSupport
import Foundation
import HTTPTypes
import HeraldChannels
import HeraldCore
import Testing

/// Unicode's corners reach the receiver byte for byte, under a signature that verifies over
/// exactly those bytes.
struct UnicodeDeliveryTests {
    typealias Webhook = WebhookChannelTests

    static let corners = [
        "emoji 😀👩‍👩‍👧‍👦 and flags 🇫🇷", "combining e\u{301} vs é", "right-to-left مرحبا עברית", "line\u{2028}and\u{2029}paragraph separators",
        "nul \u{0} and controls \u{1}\u{1f}\u{7f}", "BOM \u{FEFF} inside", "astral 𝄞 𠜎", "zero-width\u{200B}joiner\u{200D}",
        "quotes \" and backslash \\ and slash /", String(repeating: "é", count: 2000),
    ]

    @Test(arguments: corners)
    func deliveredByteExactWithAValidSignature(text: String) async throws {
        let receiver = RecordingReceiver()
        let payload: JSONValue = .object(["text": .string(text), "list": .array([.string(text)])])
        let message = try await receiver.run { base in
            let message = Webhook.message(url: base + "/in", payload: payload)
            let channel = try Webhook.channel()
            #expect(await channel.send(message, attempt: 1).outcome == .sent(providerMessageID: nil))
            return message
        }
        let request = try #require(receiver.requests.first)
        // What was sent is exactly what Herald's writer makes of the payload, and reads back the same.
        #expect(Array(request.body) == JSONWriter.bytes(payload))
        #expect(try JSONParser.parse(Array(request.body)) == payload)
        #expect(String(decoding: request.body, as: UTF8.self).contains(text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")) || text.unicodeScalars.contains { $0.value < 0x20 })
        let signer = try #require(WebhookSigner(secret: Webhook.secret))
        let signature = try #require(request.headers[HTTPField.Name("webhook-signature")!])
        #expect(signer.verify(id: message.id.rawValue, timestamp: 1_800_000_000, body: request.body, signatureHeader: signature))
    }
}
