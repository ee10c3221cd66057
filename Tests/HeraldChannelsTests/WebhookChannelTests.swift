import HeraldTestSupport
import AsyncHTTPClient
import Foundation
import HTTPTypes
import HeraldChannels
import HeraldCore
import Testing

struct WebhookChannelTests {
    static let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    struct FixedClock: WallClock {
        func now() -> Date { WebhookChannelTests.now }
        func sleep(for duration: Duration) async throws { try await Task.sleep(for: duration) }
    }

    static func channel(
        _ configuration: WebhookConfiguration = .init(defaults: .init(secret: secret)),
        client: HTTPClient = .shared
    ) throws -> WebhookChannel {
        try WebhookChannel(client: client, outbound: .loopback, configuration: configuration, clock: FixedClock())
    }

    static func message(url: String, payload: JSONValue? = nil) -> Message {
        Message(
            id: .generate(at: now),
            draft: MessageDraft(channel: "webhook", recipient: "user-7", url: url, content: "hello", payload: payload, metadata: ["reason": .string("test")]),
            now: now
        )
    }

    @Test func postsASignedEnvelopeWithStandardWebhooksHeaders() async throws {
        let receiver = RecordingReceiver(answers: [.init(status: .ok, body: "thanks")])
        let (report, message) = try await receiver.run { base in
            let message = Self.message(url: base + "/hooks/orders")
            return (try await Self.channel().send(message, attempt: 1), message)
        }
        #expect(report == DeliveryReport(outcome: .sent(providerMessageID: nil), httpStatus: 200, responseExcerpt: "thanks"))
        let request = try #require(receiver.requests.first)
        #expect(request.path == "/hooks/orders")
        #expect(request.headers[.contentType] == "application/json")
        let id = try #require(request.headers[HTTPField.Name("webhook-id")!])
        let timestamp = try #require(request.headers[HTTPField.Name("webhook-timestamp")!])
        let signature = try #require(request.headers[HTTPField.Name("webhook-signature")!])
        #expect(id == message.id.rawValue)
        #expect(timestamp == "1800000000")
        let signer = try #require(WebhookSigner(secret: Self.secret))
        #expect(signer.verify(id: id, timestamp: 1_800_000_000, body: request.body, signatureHeader: signature))

        let envelope = try JSONDecoder().decode(JSONValue.self, from: request.body)
        #expect(envelope == .object([
            "id": .string(message.id.rawValue), "type": .string("message"), "to": .string("user-7"),
            "content": .string("hello"), "metadata": .object(["reason": .string("test")]),
            "created_at": .string("2027-01-15T08:00:00.000Z"),
        ]))
    }

    @Test func sendsThePayloadObjectAsTheBodyAndTheSameIDOnEveryAttempt() async throws {
        let receiver = RecordingReceiver()
        let payload: JSONValue = .object(["order": .number(42), "items": .array([.string("a")])])
        try await receiver.run { base in
            let message = Self.message(url: base + "/", payload: payload)
            let channel = try Self.channel()
            _ = await channel.send(message, attempt: 1)
            _ = await channel.send(message, attempt: 2)
        }
        let requests = receiver.requests
        try #require(requests.count == 2)
        #expect(try JSONDecoder().decode(JSONValue.self, from: requests[0].body) == payload)
        #expect(requests[0].body == requests[1].body)
        #expect(requests[0].headers[HTTPField.Name("webhook-id")!] == requests[1].headers[HTTPField.Name("webhook-id")!])
    }

    @Test func endpointSettingsAddTokenAndHeaders() async throws {
        let receiver = RecordingReceiver()
        try await receiver.run { base in
            let configuration = WebhookConfiguration(
                defaults: .init(secret: nil, bearerToken: "default-token"),
                endpoints: [.init(
                    prefix: try WebhookURLPrefix(base + "/special", setting: "test"),
                    settings: .init(secret: Self.secret, bearerToken: "special-token", headers: ["X-Tenant": "shop-1"])
                )]
            )
            let channel = try Self.channel(configuration)
            _ = await channel.send(Self.message(url: base + "/plain"), attempt: 1)
            _ = await channel.send(Self.message(url: base + "/special/x"), attempt: 1)
        }
        try #require(receiver.requests.count == 2)
        let plain = receiver.requests[0], special = receiver.requests[1]
        #expect(plain.headers[.authorization] == "Bearer default-token")
        #expect(plain.headers[HTTPField.Name("webhook-signature")!] == nil)
        #expect(special.headers[.authorization] == "Bearer special-token")
        #expect(special.headers[HTTPField.Name("x-tenant")!] == "shop-1")
        #expect(special.headers[HTTPField.Name("webhook-signature")!] != nil)
    }

    @Test func classifiesAnswers() async throws {
        let receiver = RecordingReceiver(answers: [
            .init(status: .serviceUnavailable, headers: [.retryAfter: "17"], body: "busy"),
            .init(status: .tooManyRequests),
            .init(status: .gone, body: String(repeating: "x", count: 1000)),
        ])
        let reports = try await receiver.run { base in
            let channel = try Self.channel()
            var reports: [DeliveryReport] = []
            for _ in 0..<3 { reports.append(await channel.send(Self.message(url: base + "/"), attempt: 1)) }
            return reports
        }
        #expect(reports[0] == DeliveryReport(outcome: .retry(reason: "HTTP 503", after: .seconds(17)), httpStatus: 503, responseExcerpt: "busy"))
        #expect(reports[1].outcome == .retry(reason: "HTTP 429", after: nil, throttled: true))
        #expect(reports[2].outcome == .failed(reason: "HTTP 410"))
        #expect(reports[2].responseExcerpt?.count == 256)
    }

    @Test func aRefusedConnectionIsRetried() async throws {
        // Port 1 on loopback: nothing listens there. AsyncHTTPClient keeps trying to connect
        // until the attempt's deadline, so keep that short.
        let report = try await Self.channel(.init(timeout: .milliseconds(300))).send(Self.message(url: "http://127.0.0.1:1/"), attempt: 1)
        guard case .retry = report.outcome else {
            Issue.record("expected a retry, got \(report.outcome)")
            return
        }
        #expect(report.httpStatus == nil)
    }

    @Test func aSlowEndpointTimesOutAndIsRetried() async throws {
        let receiver = RecordingReceiver(answers: [.init(delay: .seconds(2))])
        let report = try await receiver.run { base in
            let channel = try Self.channel(.init(timeout: .milliseconds(200)))
            return await channel.send(Self.message(url: base + "/"), attempt: 1)
        }
        #expect(report.outcome == .retry(reason: "timed out", after: nil, throttled: true))
    }

    @Test func prepareFillsTheDefaultURLAndReportsEveryProblem() throws {
        let channel = try Self.channel(.init(defaultURL: "https://example.test/hook"))
        let filled = try channel.prepare(MessageDraft(channel: "webhook", content: "x"), profile: nil)
        #expect(filled.url == "https://example.test/hook")
        let fromTo = try channel.prepare(MessageDraft(channel: "webhook", recipient: "https://other.test/h", content: "x"), profile: nil)
        #expect(fromTo.url == "https://other.test/h")

        let noDefault = try Self.channel(.init())
        #expect(throws: HeraldError.validation([FieldProblem(field: "url", code: "missing_url", problem: "a webhook needs a url (or a webhook profile with one, or webhook.url / HERALD_WEBHOOK_URL as the default)")])) {
            try noDefault.prepare(MessageDraft(channel: "webhook", content: "x"), profile: nil)
        }
        do {
            _ = try noDefault.prepare(MessageDraft(channel: "webhook", url: "ftp://x.test/"), profile: nil)
            Issue.record("expected a validation error")
        } catch {
            #expect(error.problems.map(\.code) == ["invalid_url", "missing_content"])
        }
    }

    @Test func onlyAllowedHostsAreAccepted() throws {
        let channel = try Self.channel(.init(allowedHosts: ["127.0.0.1", "Hooks.Example.test"]))
        _ = try channel.prepare(MessageDraft(channel: "webhook", url: "http://127.0.0.1:9090/h", content: "x"), profile: nil)
        _ = try channel.prepare(MessageDraft(channel: "webhook", url: "https://hooks.example.test/in", content: "x"), profile: nil)
        do {
            _ = try channel.prepare(MessageDraft(channel: "webhook", url: "https://elsewhere.example.test/in", content: "x"), profile: nil)
            Issue.record("a host outside the list was accepted")
        } catch {
            #expect(error.problems.map(\.code) == ["host_not_allowed"])
        }
    }

    @Test func aMalformedSecretStopsConstruction() {
        #expect(throws: HeraldError.self) {
            try WebhookChannel(client: .shared, configuration: .init(defaults: .init(secret: "whsec_%%%")))
        }
    }
}

extension DeliveryReport {
    /// The outcome's kind, for tables of expected classifications.
    var kind: String {
        switch outcome {
        case .sent: "sent"
        case .retry: "retry"
        case .throttled: "throttled"
        case .failed: "failed"
        }
    }
}

extension DeliveryChannel {
    /// One attempt for a message sent without a profile.
    func send(_ message: Message, attempt: Int) async -> DeliveryReport {
        await send(DeliveryRequest(message: message, profile: nil, attempt: attempt))
    }
}
