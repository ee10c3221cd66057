import Foundation
import HTTPTypes
import HeraldCore
import HeraldSink
import HeraldTestSupport
import HummingbirdTesting
import Testing

/// The messaging and scheduler routes, driving a real dispatcher against a local sink.
struct DispatchAPITests {
    @Test func processRunsACycleAndStatusReportsIt() async throws {
        let harness = APITestHarness()
        try await withSink(secret: APITestHarness.secret) { url, ledger in
            for index in 0..<4 { _ = try await harness.enqueue(url: url, content: "m\(index)") }
            try await harness.test { client in
                let (status, cycle, _) = try await client.call(.post, "/api/v1/messaging/process")
                #expect(status == .ok)
                #expect(cycle["claimed"] == .number(4))
                #expect(cycle["sent"] == .number(4))
                #expect(ledger.stats.uniqueDelivered == 4)

                let (_, report, _) = try await client.call(.get, "/api/v1/messaging/status")
                #expect(report["queue"]?["sent"] == .number(4))
                #expect(report["queue"]?["queued"] == .number(0))
                #expect(report["pending"] == .number(0))
                #expect(report["rate_last_minute"]?["sent"] == .number(4))
                #expect(report["last_cycle"]?["claimed"] == .number(4))
                #expect(report["scheduler"] == .string("running"))

                let (_, empty, _) = try await client.call(.post, "/api/v1/messaging/process")
                #expect(empty["claimed"] == .number(0))
            }
        }
    }

    @Test func schedulerStartsAndStopsOnceEach() async throws {
        try await APITestHarness().test { client in
            let (_, initial, _) = try await client.call(.get, "/api/v1/scheduler/status")
            #expect(initial["status"] == .string("running"))

            let (startStatus, start, _) = try await client.call(.post, "/api/v1/scheduler/start")
            #expect(startStatus == .badRequest)
            #expect(start["error"] == .string("scheduler is already running"))
            #expect(start["code"] == .string("SCHEDULER_ALREADY_RUNNING"))

            let (stopStatus, stopped, _) = try await client.call(.post, "/api/v1/scheduler/stop")
            #expect(stopStatus == .ok)
            #expect(stopped["status"] == .string("stopped"))
            #expect(stopped["running"] == .bool(false))

            let (againStatus, again, _) = try await client.call(.post, "/api/v1/scheduler/stop")
            #expect(againStatus == .badRequest)
            #expect(again["error"] == .string("scheduler is not running"))

            let (_, restarted, _) = try await client.call(.post, "/api/v1/scheduler/start")
            #expect(restarted["status"] == .string("running"))
        }
    }
}
