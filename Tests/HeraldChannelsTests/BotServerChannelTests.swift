import AsyncHTTPClient
import Foundation
import HeraldChannels
import HeraldCore
import HeraldTestSupport
import Logging
import Synchronization
import HeraldSink
import Testing

struct BotServerChannelTests {
    static let now = WebhookChannelTests.now

    static func bailout(metadata: [String: JSONValue] = [:]) -> Message {
        Message(id: .generate(at: now), draft: MessageDraft(channel: "botserver", recipient: "u-42", metadata: metadata, page: "p-7", form: "survey"), now: now)
    }

    static func send(_ provider: FakeProvider, _ message: Message, logs: LogCapture = LogCapture()) async throws -> DeliveryReport {
        try await provider.run { base in
            let channel = BotServerChannel(client: .shared, outbound: .loopback, retryPolicy: .chatDefault, clock: WebhookChannelTests.FixedClock(), logger: logs.logger)
            let profile = SenderProfile(
                id: .generate(at: now), tenantID: .default, name: "bot", channel: "botserver",
                config: ["url": .string(base + "/synthetic")], createdAt: now, updatedAt: now
            )
            return await channel.send(DeliveryRequest(message: message, profile: profile, attempt: 1))
        }
    }

    @Test func sendsExactlyTheBailoutEvent() async throws {
        let provider = FakeProvider()
        let logs = LogCapture()
        let report = try await Self.send(provider, Self.bailout(metadata: ["reason": .string("timeout")]), logs: logs)
        #expect(report.outcome == .sent(providerMessageID: nil))
        let request = try #require(provider.requests.first)
        #expect(request.path == "/synthetic")
        #expect(try JSONDecoder().decode(JSONValue.self, from: request.body) == .object([
            "user": .string("u-42"), "page": .string("p-7"),
            "event": .object(["type": .string("bailout"), "value": .object(["form": .string("survey"), "metadata": .object(["reason": .string("timeout")])])]),
        ]))
        #expect(logs.lines.contains("Successfully bailed user=u-42 page=p-7 to form=survey"))
    }

    @Test func leavesMetadataOutWhenThereIsNone() async throws {
        let provider = FakeProvider()
        _ = try await Self.send(provider, Self.bailout())
        let body = try JSONDecoder().decode(JSONValue.self, from: try #require(provider.requests.first).body)
        #expect(body.objectValue?["event"]?.objectValue?["value"] == .object(["form": .string("survey")]))
    }

    @Test func retriesServerErrorsAndFailsOtherClientErrors() async throws {
        let logs = LogCapture()
        let retried = try await Self.send(FakeProvider(replies: [.status(503)]), Self.bailout(), logs: logs)
        guard case .retry = retried.outcome else { Issue.record("503 should retry"); return }
        let throttled = try await Self.send(FakeProvider(replies: [.status(429)]), Self.bailout())
        guard case .retry = throttled.outcome else { Issue.record("429 should retry"); return }
        let failed = try await Self.send(FakeProvider(replies: [.status(404)]), Self.bailout())
        #expect(failed.outcome == .failed(reason: "HTTP 404"))
        #expect(logs.lines.contains("Failed to bail user=u-42 page=p-7: HTTP 503"))
    }

    @Test func pageAndFormAreRequired() {
        let channel = BotServerChannel(client: .shared, outbound: .loopback, retryPolicy: .chatDefault, logger: LogCapture().logger)
        #expect(throws: HeraldError.self) { try channel.prepare(MessageDraft(channel: "botserver", recipient: "u-1"), profile: nil) }
        do {
            _ = try channel.prepare(MessageDraft(channel: "botserver", recipient: "u-1"), profile: nil)
        } catch {
            #expect(Set(error.problems.map(\.field)) == ["page", "form"])
        }
    }

    @Test func aDryRunSaysWhatWouldHaveBeenSent() {
        let channel = BotServerChannel(client: .shared, outbound: .loopback, retryPolicy: .chatDefault, logger: LogCapture().logger)
        let rehearsal = channel.rehearse(DeliveryRequest(message: Self.bailout(metadata: ["a": .integer(1)]), profile: nil, attempt: 1))
        #expect(rehearsal.logLine == #"[DRY RUN] Would bail user=u-42 page=p-7 to form=survey with metadata={"a":1}"#)
    }
}
