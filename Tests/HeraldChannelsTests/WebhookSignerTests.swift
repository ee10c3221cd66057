import Foundation
import HeraldChannels
import HeraldCore
import Testing

struct WebhookSignerTests {
    static let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

    @Test func matchesThePublishedTestVector() throws {
        let signer = try #require(WebhookSigner(secret: Self.secret))
        let signature = signer.sign(id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330, body: Data(#"{"test": 2432232314}"#.utf8))
        #expect(signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
    }

    @Test func verifiesAnyMatchingSignatureInTheHeader() throws {
        let signer = try #require(WebhookSigner(secret: Self.secret))
        let body = Data(#"{"test": 2432232314}"#.utf8)
        let good = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        #expect(signer.verify(id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330, body: body, signatureHeader: good))
        #expect(signer.verify(id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330, body: body, signatureHeader: "v1,bm9wZQ== " + good))
        #expect(!signer.verify(id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_331, body: body, signatureHeader: good))
        #expect(!signer.verify(id: "msg_other", timestamp: 1_614_265_330, body: body, signatureHeader: good))
        #expect(!signer.verify(id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330, body: Data("{}".utf8), signatureHeader: good))
        #expect(!signer.verify(id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: 1_614_265_330, body: body, signatureHeader: "v2," + good.dropFirst(3)))
    }

    @Test func generatedSecretsAreUsable() throws {
        let secret = SigningSecret.generate()
        #expect(secret.hasPrefix("whsec_"))
        #expect(WebhookSigner(secret: secret) != nil)
        #expect(SigningSecret.generate() != secret)
    }

    @Test(arguments: ["whsec_", "whsec_!!!not-base64", ""])
    func malformedSecretsAreRefused(secret: String) {
        #expect(WebhookSigner(secret: secret) == nil)
    }
}
