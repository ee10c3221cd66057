import Foundation
import HTTPTypes
import HeraldCore
import HeraldSink
import HeraldStore
import HeraldTestSupport
import HummingbirdTesting
import Testing

/// The messaging and scheduler routes, driving a real dispatcher against a local sink.
struct DispatchAPITests {
    /// A new key of `tenant`, made with the admin key.
    static func key(for tenant: String, _ client: any TestClientProtocol) async throws -> String {
        let (_, answer, _) = try await client.call(.post, "/api/v1/tenants/\(tenant)/keys", key: APITestHarness.adminKey)
        return try #require(answer["key"]?.stringValue)
    }

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

    /// What is in flight is messages, not the send slots a claim reserves while it looks for
    /// them: an empty queue shows none, however often the scheduler is started.
    @Test func anEmptyQueueShowsNothingInFlight() async throws {
        let harness = APITestHarness()
        try await SendAPITests.withDispatcher(harness) { dependencies in
            try await harness.test(dependencies: dependencies) { client in
                for _ in 0..<20 {
                    _ = try await client.call(.post, "/api/v1/scheduler/stop")
                    let (status, started, _) = try await client.call(.post, "/api/v1/scheduler/start")
                    #expect(status == .ok)
                    #expect(started["in_flight"] == .number(0), "\(started)")
                    let (_, messaging, _) = try await client.call(.get, "/api/v1/messaging/status")
                    #expect(messaging["in_flight"] == .number(0), "\(messaging)")
                }
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

    /// A tenant's key pauses that tenant only; the admin key the whole server. A tenant runs only
    /// when neither is paused, and its status shows both.
    @Test func aTenantPausesItselfAndTheAdminKeyTheServer() async throws {
        let harness = APITestHarness()
        try await harness.createTenant(TenantID("other"))
        try await harness.test { client in
            let otherKey = try await Self.key(for: "other", client)
            let (stopStatus, stopped, _) = try await client.call(.post, "/api/v1/scheduler/stop")
            #expect(stopStatus == .ok)
            #expect(stopped["scope"] == .string("tenant"))
            #expect(stopped["status"] == .string("stopped"))
            #expect(stopped["tenant_paused"] == .bool(true))
            #expect(stopped["server_paused"] == .bool(false))

            // The other tenant and the server run on.
            let (_, other, _) = try await client.call(.get, "/api/v1/scheduler/status", key: otherKey)
            #expect(other["status"] == .string("running"))
            #expect(other["tenant_paused"] == .bool(false))
            let (_, server, _) = try await client.call(.get, "/api/v1/scheduler/status", key: APITestHarness.adminKey)
            #expect(server["scope"] == .string("server"))
            #expect(server["status"] == .string("running"))
            #expect(server["tenant_paused"] == nil)
            #expect(try await harness.store.dispatchPauses() == DispatchPauses(tenants: [.default]))

            // The admin key pauses the server: every tenant stops, and says why.
            let (serverStop, serverStopped, _) = try await client.call(.post, "/api/v1/scheduler/stop", key: APITestHarness.adminKey)
            #expect(serverStop == .ok)
            #expect(serverStopped["status"] == .string("stopped"))
            let (_, otherNow, _) = try await client.call(.get, "/api/v1/scheduler/status", key: otherKey)
            #expect(otherNow["status"] == .string("stopped"))
            #expect(otherNow["server_paused"] == .bool(true))
            #expect(otherNow["tenant_paused"] == .bool(false))
            let (_, messaging, _) = try await client.call(.get, "/api/v1/messaging/status", key: otherKey)
            #expect(messaging["scheduler"] == .string("stopped"))
            #expect(messaging["server_paused"] == .bool(true))
            let (again, refused, _) = try await client.call(.post, "/api/v1/scheduler/stop", key: APITestHarness.adminKey)
            #expect(again == .badRequest)
            #expect(refused["error"] == .string("scheduler is not running"))

            // Resuming the server leaves the tenant's own pause in place.
            #expect(try await client.call(.post, "/api/v1/scheduler/start", key: APITestHarness.adminKey).status == .ok)
            let (_, mine, _) = try await client.call(.get, "/api/v1/scheduler/status")
            #expect(mine["status"] == .string("stopped"))
            #expect(mine["server_paused"] == .bool(false))
            #expect(mine["tenant_paused"] == .bool(true))
            #expect(try await client.call(.post, "/api/v1/scheduler/start").status == .ok)
            #expect(try await harness.store.dispatchPauses() == DispatchPauses())
        }
    }

    /// `messaging/process` with a tenant's key claims only that tenant's messages; with the
    /// admin key every tenant's, except a tenant that paused itself.
    @Test func processClaimsTheCallersMessagesOnly() async throws {
        let harness = APITestHarness()
        try await harness.createTenant(TenantID("other"))
        try await withSink(secret: APITestHarness.secret) { url, ledger in
            let mine = try await harness.enqueue(url: url, content: "mine")
            let theirs = try await harness.enqueue(url: url, content: "theirs", tenant: TenantID("other"))
            try await harness.test { client in
                let otherKey = try await Self.key(for: "other", client)
                let (status, cycle, _) = try await client.call(.post, "/api/v1/messaging/process")
                #expect(status == .ok)
                #expect(cycle["claimed"] == .number(1))
                #expect(try await harness.store.message(id: mine, tenant: nil)?.status == .sent)
                #expect(try await harness.store.message(id: theirs, tenant: nil)?.status == .queued)

                // The other tenant paused itself: the admin key's cycle leaves its message alone.
                #expect(try await client.call(.post, "/api/v1/scheduler/stop", key: otherKey).status == .ok)
                let (_, adminCycle, _) = try await client.call(.post, "/api/v1/messaging/process", key: APITestHarness.adminKey)
                #expect(adminCycle["claimed"] == .number(0))
                #expect(try await client.call(.post, "/api/v1/scheduler/start", key: otherKey).status == .ok)
                let (_, resumed, _) = try await client.call(.post, "/api/v1/messaging/process", key: APITestHarness.adminKey)
                #expect(resumed["claimed"] == .number(1))
                #expect(ledger.stats.uniqueDelivered == 2)

                // The admin key's queue status counts every tenant's messages.
                let (_, all, _) = try await client.call(.get, "/api/v1/messaging/status", key: APITestHarness.adminKey)
                #expect(all["queue"]?["sent"] == .number(2))
                #expect(all["tenant_paused"] == nil)
            }
        }
    }
}
