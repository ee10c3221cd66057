import Foundation
import HeraldClient
import HeraldCore
import HeraldTestSupport
import Logging
import Synchronization
import Testing

/// Bailouts straight at a bot server: the botserver channel's JSON, a delay between sends (not
/// after the last), going on past failures, dry run, cancellation.
struct BailoutSenderTests {
    static let url = URL(string: "https://bots.test/synthetic")!

    @Test func sendsTheBotServerFormatAndWaitsOnlyBetweenSends() async throws {
        let transport = ScriptedTransport([.answer(200)])
        let clock = ManualClock()
        let sender = BailoutSender(url: Self.url, delay: .seconds(2), transport: transport, clock: clock)
        let targets = [BailoutTarget(user: "u-1", page: "p-1"), BailoutTarget(user: "u-2", page: "p-2"), BailoutTarget(user: "u-3", page: "p-3")]
        let run = Task { await sender.sendBailouts(targets, form: "survey", metadata: ["campaign": .string("spring")]) }
        #expect(await eventually { transport.requests.count == 1 && clock.sleeperCount == 1 })
        clock.advance(by: .seconds(2))
        #expect(await eventually { transport.requests.count == 2 && clock.sleeperCount == 1 })
        clock.advance(by: .seconds(2))
        let (succeeded, lastError) = await run.value
        #expect(succeeded == 3 && lastError == nil)
        // No wait after the last send.
        #expect(clock.sleeperCount == 0)
        #expect(transport.requests[0].url == Self.url)
        #expect(transport.requests[0].body == .object([
            "user": .string("u-1"), "page": .string("p-1"),
            "event": .object(["type": .string("bailout"), "value": .object(["form": .string("survey"), "metadata": .object(["campaign": .string("spring")])])]),
        ]))
        // Without metadata, none is sent.
        try await BailoutSender(url: Self.url, transport: transport, clock: clock).sendBailout(user: "u-9", page: "p-9", form: "f")
        #expect(transport.requests.last?.body["event"]?["value"] == .object(["form": .string("f")]))
    }

    @Test func keepsGoingPastFailuresAndReportsTheLast() async throws {
        let transport = ScriptedTransport([.answer(500, body: "down"), .networkError, .answer(200)])
        let sender = BailoutSender(url: Self.url, transport: transport, clock: ManualClock())
        let targets = (1...3).map { BailoutTarget(user: "u-\($0)", page: "p") }
        let (succeeded, lastError) = await sender.sendBailouts(targets, form: "f")
        #expect(succeeded == 1)
        #expect((lastError as? BailoutError).map { if case .noAnswer = $0 { true } else { false } } == true)
        await #expect(throws: BailoutError.refused(status: 500, body: "down")) {
            try await BailoutSender(url: Self.url, transport: ScriptedTransport([.answer(500, body: "down")]), clock: ManualClock())
                .sendBailout(user: "u", page: "p", form: "f")
        }
    }

    @Test func aDryRunSendsNothingAndLogsWhatItWould() async throws {
        let transport = ScriptedTransport([.answer(200)])
        let logs = LogCapture()
        let sender = BailoutSender(url: Self.url, dryRun: true, transport: transport, clock: ManualClock(), logger: logs.logger)
        let (succeeded, lastError) = await sender.sendBailouts([BailoutTarget(user: "u-1", page: "p-1")], form: "survey", metadata: ["a": .integer(1)])
        #expect(succeeded == 1 && lastError == nil)
        #expect(transport.requests.isEmpty)
        #expect(logs.lines.contains(#"[DRY RUN] Would bail user=u-1 page=p-1 to form=survey with metadata={"a":1}"#))
        _ = await sender.sendBailouts([], form: "f")
    }

    @Test func cancellationStopsBetweenSends() async throws {
        let transport = ScriptedTransport([.answer(200)])
        let clock = ManualClock()
        let sender = BailoutSender(url: Self.url, delay: .seconds(5), transport: transport, clock: clock)
        let run = Task { await sender.sendBailouts((1...10).map { BailoutTarget(user: "u-\($0)", page: "p") }, form: "f") }
        #expect(await eventually { clock.sleeperCount == 1 })
        run.cancel()
        let (succeeded, _) = await run.value
        #expect(succeeded == 1)
        #expect(transport.requests.count == 1)
    }
}
