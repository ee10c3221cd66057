import Foundation
import HeraldChannels
import HeraldCore
import Testing

/// Provider callbacks' signatures and bodies, against the providers' documented examples.
struct CallbackParsingTests {
    /// A status callback shaped as Meta's "Webhooks: status messages" example.
    static let metaExample = #"{"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},"statuses":[{"id":"wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJDNzVCNTBCNjFFMDcxNjdGMEYA","status":"delivered","timestamp":"1750263773","recipient_id":"16505551234"}]},"field":"messages"}]}]}"#

    @Test func whatsAppSignatureMatchesAnIndependentHMAC() {
        // Computed with Python's hmac: hmac.new(b"4f2d8b1c9e7a6350", body, sha256).hexdigest()
        let header = "sha256=bdd7a7dd317bce6b5035dafd53cef32858d82eddb28f42db6e7f36271ad2c8c2"
        let body = Array(Self.metaExample.utf8)
        #expect(WhatsAppCallback.signatureMatches(body: body, header: header, secrets: ["other", "4f2d8b1c9e7a6350"]))
        #expect(WhatsAppCallback.signature(body: body, secret: "4f2d8b1c9e7a6350") == header)
        #expect(!WhatsAppCallback.signatureMatches(body: body, header: header, secrets: ["wrong-secret"]))
        #expect(!WhatsAppCallback.signatureMatches(body: body + [0x20], header: header, secrets: ["4f2d8b1c9e7a6350"]))
        #expect(!WhatsAppCallback.signatureMatches(body: body, header: nil, secrets: ["4f2d8b1c9e7a6350"]))
        #expect(!WhatsAppCallback.signatureMatches(body: body, header: "sha1=abc", secrets: ["4f2d8b1c9e7a6350"]))
        #expect(!WhatsAppCallback.signatureMatches(body: body, header: "sha256=zz", secrets: ["4f2d8b1c9e7a6350"]))
    }

    @Test func twilioSignatureMatchesTheDocumentedExample() {
        // Twilio's "Webhooks security" example: auth token 12345, this URL and these parameters.
        let url = "https://mycompany.com/myapp.php?foo=1&bar=2"
        let parameters = [
            ("CallSid", "CA1234567890ABCDE"), ("Caller", "+14158675310"), ("Digits", "1234"),
            ("From", "+14158675310"), ("To", "+18005551212"),
        ]
        #expect(TwilioCallback.signatureMatches(url: url, parameters: parameters.shuffled(), header: "GvWf1cFY/Q7PnoempGyD5oXAezc=", authToken: "12345"))
        #expect(!TwilioCallback.signatureMatches(url: url, parameters: parameters, header: "GvWf1cFY/Q7PnoempGyD5oXAezc=", authToken: "54321"))
        #expect(!TwilioCallback.signatureMatches(url: url + "&x=1", parameters: parameters, header: "GvWf1cFY/Q7PnoempGyD5oXAezc=", authToken: "12345"))
        #expect(!TwilioCallback.signatureMatches(url: url, parameters: parameters + [("Digits2", "1")], header: "GvWf1cFY/Q7PnoempGyD5oXAezc=", authToken: "12345"))
        #expect(!TwilioCallback.signatureMatches(url: url, parameters: parameters, header: nil, authToken: "12345"))
    }

    @Test func metasStatusCallbackIsReadIntoReceipts() throws {
        let content = try #require(WhatsAppCallback.parse(Array(Self.metaExample.utf8)))
        #expect(content.receipts == [Receipt(
            channel: "whatsapp", providerMessageID: "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJDNzVCNTBCNjFFMDcxNjdGMEYA",
            status: .delivered, at: Date(timeIntervalSince1970: 1_750_263_773)
        )])
        #expect(content.incoming.isEmpty)
    }

    @Test func aFailedStatusKeepsTheCodeMessageAndDetailsAndSentChangesNothing() throws {
        let body = #"""
            {"entry":[{"changes":[{"value":{"metadata":{"phone_number_id":"1065"},"statuses":[
              {"id":"wamid.1","status":"sent","timestamp":"1750000000"},
              {"id":"wamid.1","status":"failed","timestamp":"1750000005","errors":[{"code":131026,"title":"Message undeliverable","message":"Message undeliverable","error_data":{"details":"The recipient is not on WhatsApp"}}]}
            ],"messages":[{"from":"16505551234","id":"wamid.IN","timestamp":"1750000009","type":"text","text":{"body":"hi"}}]}}]}]}
            """#
        let content = try #require(WhatsAppCallback.parse(Array(body.utf8)))
        #expect(content.values.map(\.ignored) == [1])
        let failed = try #require(content.receipts.first)
        #expect(failed.status == .failed)
        #expect(failed.errorCode == "131026")
        #expect(failed.failureReason == "131026: Message undeliverable — The recipient is not on WhatsApp")
        #expect(content.incoming.map(\.businessNumber) == ["1065"])
        #expect(content.incoming.first?.payload["text"]?.objectValue?["body"]?.stringValue == "hi")
        #expect(WhatsAppCallback.parse(Array("[1]".utf8)) == nil)
    }

    @Test func twilioStatusesBecomeReceiptsOrNothing() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let undelivered = TwilioCallback.receipt(["MessageSid": "SM1", "MessageStatus": "undelivered", "ErrorCode": "30003"], receivedAt: now)
        #expect(undelivered?.status == .undelivered)
        #expect(undelivered?.failureReason == "30003: Twilio error 30003")
        #expect(TwilioCallback.receipt(["MessageSid": "SM1", "MessageStatus": "partially_delivered"], receivedAt: now)?.status == .partiallyDelivered)
        for passing in ["accepted", "queued", "sending", "sent", "scheduled"] {
            #expect(TwilioCallback.receipt(["MessageSid": "SM1", "MessageStatus": passing], receivedAt: now) == nil)
        }
        #expect(TwilioCallback.receipt(["MessageStatus": "delivered"], receivedAt: now) == nil)
    }

    @Test func formBodiesDecodePlusAndPercent() {
        let pairs = FormBody.parse(Array("To=%2B14155550100&Body=hello+there%21&Empty=&Flag".utf8))
        #expect(pairs.map(\.0) == ["To", "Body", "Empty", "Flag"])
        #expect(pairs.map(\.1) == ["+14155550100", "hello there!", "", ""])
    }
}
