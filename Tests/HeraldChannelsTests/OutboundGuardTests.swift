import HeraldTestSupport
import AsyncHTTPClient
import Foundation
import HTTPTypes
import HeraldChannels
import HeraldCore
import Logging
import Testing

/// The outbound guard at connect time: a name is looked up when the request goes, and each of
/// its addresses must be allowed, whatever the URL looked like when the message was accepted.
struct OutboundGuardTests {
    typealias Webhook = WebhookChannelTests

    /// `localhost` is a name (no literal check at ingest can catch it) that resolves to loopback.
    static func localhostURL(_ base: String) -> String {
        base.replacingOccurrences(of: "127.0.0.1", with: "localhost") + "/hook"
    }

    @Test func aNameResolvingToLoopbackIsRefusedWhenItConnects() async throws {
        let receiver = RecordingReceiver()
        let strict = try WebhookChannel(
            client: .shared, configuration: .init(defaults: .init(secret: Webhook.secret)), clock: Webhook.FixedClock()
        )
        let report = try await receiver.run { base in
            await strict.send(Webhook.message(url: Self.localhostURL(base)), attempt: 1)
        }
        guard case .failed(let reason) = report.outcome else {
            Issue.record("expected a permanent failure, got \(report.outcome)")
            return
        }
        #expect(reason.hasPrefix("outbound address refused: localhost resolves to 127.0.0.1, which is in a loopback range"), "\(reason)")
        #expect(receiver.requests.isEmpty, "nothing may reach the refused address")
    }

    @Test func anOpenedRangeIsReachedAtTheCheckedAddressWithTheNameAsHost() async throws {
        let receiver = RecordingReceiver()
        let (report, url) = try await receiver.run { base in
            let url = Self.localhostURL(base)
            return (try await Webhook.channel().send(Webhook.message(url: url), attempt: 1), url)
        }
        #expect(report.outcome == .sent(providerMessageID: nil))
        let request = try #require(receiver.requests.first)
        // Sent to the address checked, the name kept for the receiver.
        #expect(request.authority == URLComponents(string: url).map { "localhost:\($0.port ?? 80)" })
    }

    @Test func literalAddressesAreRefusedAtIngestWithoutALookUp() throws {
        let strict = try WebhookChannel(client: .shared, configuration: .init(defaults: .init(secret: Webhook.secret)))
        for url in ["http://127.1/hook", "http://2130706433/hook", "http://[::ffff:169.254.169.254]/latest", "http://10.0.0.7:8080/x"] {
            let error = #expect(throws: HeraldError.self) {
                _ = try strict.prepare(MessageDraft(channel: "webhook", url: url, content: "hi"), profile: nil)
            }
            #expect(error?.problems.map(\.code) == ["address_not_allowed"], "\(url)")
        }
        // A public address or a name is accepted (a name is checked when it connects).
        _ = try strict.prepare(MessageDraft(channel: "webhook", url: "https://hooks.example.com/x", content: "hi"), profile: nil)
        let profileProblems = strict.checkProfile(["url": .string("http://192.168.0.10/hook")])
        #expect(profileProblems.map(\.code) == ["address_not_allowed"])
    }

    @Test func aProvidersBaseURLAndABotServerAreGuardedToo() {
        let whatsapp = WhatsAppChannel(client: .shared, configuration: .init(), retryPolicy: .chatDefault)
        let problems = whatsapp.checkProfile([
            "phone_number_id": .string("123"), "access_token": .string("t"), "base_url": .string("http://169.254.169.254"),
        ])
        #expect(problems.map(\.field) == ["config.base_url"])
        #expect(problems.map(\.code) == ["address_not_allowed"])
        let bot = BotServerChannel(client: .shared, retryPolicy: .chatDefault, logger: .init(label: "t"))
        #expect(bot.checkProfile(["url": .string("http://127.0.0.1:9/synthetic")]).map(\.code) == ["address_not_allowed"])
    }

    @Test func aResolverThatHangsFailsTheAttemptAtTheChannelsTimeoutAsATimeout() async throws {
        let hanging = OutboundGuard(policy: OutboundGuard.loopback.policy, resolve: { _ in
            try await Task.sleep(for: .seconds(3600))
            return []
        })
        let channel = try WebhookChannel(
            client: .shared, outbound: hanging, configuration: .init(defaults: .init(secret: Webhook.secret), timeout: .milliseconds(300)),
            clock: Webhook.FixedClock()
        )
        let started = ContinuousClock.now
        let report = await channel.send(Webhook.message(url: "http://receiver.herald.test/hook"), attempt: 1)
        #expect(ContinuousClock.now - started < .seconds(60), "given up at the timeout, not when the resolver answers (in an hour)")
        #expect(report.outcome == .retry(reason: "timed out", after: nil, throttled: true), "recorded as an HTTP timeout is")
    }

    @Test func theSystemResolverOnItsOwnThreadsAnswersAndGivesUpWhenCancelled() async throws {
        let resolver = SystemResolver(threads: 1)
        #expect(try await resolver.lookUp("localhost").contains(.v4(0x7F00_0001)))
        let cancelled = Task { try await resolver.lookUp("localhost") }
        cancelled.cancel()
        _ = await cancelled.result
        await resolver.shutdown()
    }
}
