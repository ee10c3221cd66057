import Foundation
import HTTPTypes
import HeraldCore
import HeraldTestSupport
import HummingbirdTesting
import Testing

/// The go-sender service's routes, kept for its clients.
struct CompatibilityRoutesTests {
    @Test func messageListsTheCallersMessagesAsABareArrayNewestFirst() async throws {
        let harness = APITestHarness()
        try await harness.test { client in
            for (index, phone) in ["+31611111111", "+31622222222", "+31633333333"].enumerated() {
                let (status, _, _) = try await client.call(.post, "/api/v1/messages", json: #"{"url": "https://x.test/hook", "to": "\#(phone)", "content": "m\#(index)"}"#)
                #expect(status == .accepted)
            }
            let (status, list, _) = try await client.call(.get, "/message?limit=2")
            #expect(status == .ok)
            #expect(list == .array([
                .object(["content": .string("m2"), "phone": .string("+31633333333"), "is_sent": .bool(false)]),
                .object(["content": .string("m1"), "phone": .string("+31622222222"), "is_sent": .bool(false)]),
            ]))
            #expect(try await client.call(.get, "/message").body.arrayValue?.count == 3)
            #expect(try await client.call(.get, "/message?limit=0").status == .unprocessableContent)
            #expect(try await client.call(.get, "/message", key: nil).status == .unauthorized)
            #expect(try await client.call(.get, "/message", key: APITestHarness.adminKey).status == .forbidden)
        }
    }

    @Test func startAndStopActAsTheSchedulerWithGoSendersWords() async throws {
        try await APITestHarness().test { client in
            let (startStatus, start, _) = try await client.call(.post, "/start")
            #expect(startStatus == .badRequest)
            #expect(start["error"] == .string("sender is already running"))
            let (stopStatus, stopped, _) = try await client.call(.post, "/stop")
            #expect(stopStatus == .ok)
            #expect(stopped["running"] == .bool(false))
            #expect(try await client.call(.get, "/api/v1/scheduler/status").body["status"] == .string("stopped"))
            let (againStatus, again, _) = try await client.call(.post, "/stop")
            #expect(againStatus == .badRequest)
            #expect(again["error"] == .string("sender is not running"))
            #expect(try await client.call(.post, "/start").status == .ok)
        }
    }
}
