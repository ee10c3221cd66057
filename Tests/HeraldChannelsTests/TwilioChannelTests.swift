import AsyncHTTPClient
import Foundation
import HTTPTypes
import HeraldChannels
import HeraldCore
import HeraldTestSupport
import HeraldSink
import Testing

struct TwilioChannelTests {
    static let now = WebhookChannelTests.now
    static let sid = "AC" + String(repeating: "a1", count: 16)
    static let token = "twilio-auth-token-5678"

    static func channel(publicURL: String? = nil) -> TwilioChannel {
        TwilioChannel(client: .shared, outbound: .loopback, configuration: .init(publicURL: publicURL), retryPolicy: .chatDefault, clock: WebhookChannelTests.FixedClock())
    }

    static func profile(base: String) -> SenderProfile {
        SenderProfile(
            id: .generate(at: now), tenantID: .default, name: "sms", channel: "twilio",
            config: ["account_sid": .string(sid), "auth_token": .string(token), "from": .string("+15005550006"), "base_url": .string(base)],
            createdAt: now, updatedAt: now
        )
    }

    static func send(_ provider: FakeProvider, publicURL: String? = nil) async throws -> DeliveryReport {
        try await provider.run { base in
            let message = Message(id: .generate(at: now), draft: MessageDraft(channel: "twilio", recipient: "+14155550100", content: "Code: 1234 & more"), now: now)
            return await Self.channel(publicURL: publicURL).send(DeliveryRequest(message: message, profile: Self.profile(base: base), attempt: 1))
        }
    }

    @Test func postsTheFormWithBasicAuthAndKeepsTheSid() async throws {
        let provider = FakeProvider()
        let report = try await Self.send(provider, publicURL: "https://herald.example.test")
        #expect(report.outcome == .sent(providerMessageID: "SM" + String(format: "%032x", 1)))
        let request = try #require(provider.requests.first)
        #expect(request.path == "/2010-04-01/Accounts/\(Self.sid)/Messages.json")
        #expect(request.headers[.contentType] == "application/x-www-form-urlencoded")
        #expect(request.headers[.authorization] == "Basic " + Data("\(Self.sid):\(Self.token)".utf8).base64EncodedString())
        // Form-encoded exactly: `+` for spaces, everything but unreserved characters escaped.
        #expect(String(decoding: request.body, as: UTF8.self).hasPrefix("To=%2B14155550100&From=%2B15005550006&Body=Code%3A+1234+%26+more&"))
        #expect(request.form == [
            "To": "+14155550100", "From": "+15005550006", "Body": "Code: 1234 & more",
            "StatusCallback": "https://herald.example.test/api/v1/callbacks/twilio",
        ])
    }

    static let rows: [(FakeProvider.Reply, String)] = [
        (.status(429, retryAfter: "3"), "throttled"), (.twilioError(code: 20429, status: 429), "throttled"),
        (.twilioError(code: 20500, status: 500), "retry"), (.status(503), "retry"),
        (.twilioError(code: 21211), "failed"), (.twilioError(code: 21408), "failed"), (.twilioError(code: 21610), "failed"),
        (.twilioError(code: 21612), "failed"), (.twilioError(code: 21614), "failed"), (.twilioError(code: 20003, status: 401), "failed"),
    ]

    @Test(arguments: rows)
    func classifiesTwilioAnswers(reply: FakeProvider.Reply, expected: String) async throws {
        let report = try await Self.send(FakeProvider(replies: [reply]))
        #expect(report.kind == expected)
    }

    @Test func aPermanentErrorKeepsTwilioCodeAndMessage() async throws {
        let report = try await Self.send(FakeProvider(replies: [.twilioError(code: 21211, message: "The 'To' number is not a valid phone number.")]))
        #expect(report.outcome == .failed(reason: "Twilio error 21211: The 'To' number is not a valid phone number."))
    }

    @Test func profilesNeedASenderAndWellFormedSIDs() {
        let problems = Self.channel().checkProfile(["account_sid": .string("AC123"), "auth_token": .string("x")])
        #expect(Set(problems.map(\.field)) == ["config.account_sid", "config.from"])
        #expect(Self.channel().checkProfile(Self.profile(base: "https://api.twilio.com").config).isEmpty)
    }

    @Test func credentialCheckReadsTheAccount() async throws {
        let provider = FakeProvider()
        let check = try await provider.run { base in await Self.channel().checkCredentials(Self.profile(base: base)) }
        #expect(check.ok)
        #expect(check.detail == "account Test account is active")
        #expect(provider.requests.first?.path == "/2010-04-01/Accounts/\(Self.sid).json")
    }
}
