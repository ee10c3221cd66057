import Foundation
import HTTPTypes
import HeraldCore
import NIOHTTP1
import HeraldSink
import HeraldTestSupport
import Testing

extension HeavyLoad {
    /// One tenant's receiver cannot stall the others: whatever it answers is recorded, every other
    /// tenant's results with it, and nothing is sent twice for it.
    @Suite(.serialized)
    struct FailureIsolationProcessTests {
        /// A 500 whose body holds NUL bytes and invalid UTF-8.
        static let hostileBody: [UInt8] = Array("bad".utf8) + [0] + Array("gateway ".utf8) + [0xFF, 0xFE] + Array(" tail".utf8) + [0, 7]

        @Test(.timeLimit(.minutes(3)), arguments: ServerProcess.Driver.available)
        func aReceiverAnsweringBinaryFailsItsOwnMessageAndStallsNoOneElse(driver: ServerProcess.Driver) async throws {
            let hostile = RecordingReceiver(answers: [.init(status: .internalServerError, bytes: Self.hostileBody)])
            try await hostile.run { hostileURL in
                try await ServerProcess.run(driver, environment: ["HERALD_RETRY_SCHEDULE": "100ms,100ms"]) { server in
                    let (keyA, _) = try await server.makeTenant("tenant-a")
                    let (keyB, tenantB) = try await server.makeTenant("tenant-b")
                    let secretB = tenantB["webhook_secret"]?.stringValue ?? ServerProcess.secret
                    try await withSink(secret: secretB) { sinkURL, ledger in
                        let (accepted, answer) = try await server.call(.POST, "/api/v1/messages", key: keyA, json: #"{"url": "\#(hostileURL)/hook", "content": "to a hostile receiver"}"#)
                        #expect(accepted == .accepted)
                        let hostileID = try #require(answer["id"]?.stringValue)
                        let batch = (0..<1000).map { #"{"url": "\#(sinkURL)", "content": "b-\#($0)"}"# }.joined(separator: ",")
                        let (batchStatus, _) = try await server.call(.POST, "/api/v1/messages/batch", key: keyB, json: #"{"messages": [\#(batch)]}"#)
                        #expect(batchStatus == .accepted)

                        #expect(await eventually(timeout: .seconds(60), every: .milliseconds(100)) { ledger.stats.uniqueDelivered == 1000 })
                        #expect(await eventually(timeout: .seconds(30), every: .milliseconds(100)) {
                            (try? await server.message(hostileID, key: keyA)["status"]) == .string("failed")
                        })
                        let attempts = try await server.attempts(hostileID, key: keyA)
                        #expect(attempts.count == 3, "three attempts: the first and the two of retry.schedule")
                        for attempt in attempts {
                            let excerpt = try #require(attempt["response_excerpt"]?.stringValue)
                            #expect(excerpt == "bad\u{FFFD}gateway \u{FFFD}\u{FFFD} tail\u{FFFD}\u{FFFD}", "readable, whole, nothing cut at the NUL")
                            #expect(attempt["http_status"] == .integer(500))
                        }
                        #expect(hostile.count == 3, "no attempt went out twice")
                        // Let any resend after an expired lease show up before counting.
                        try await Task.sleep(for: .seconds(1))
                        #expect(ledger.stats.duplicates == 0)
                        #expect(ledger.stats.uniqueDelivered == 1000)
                    }
                }
            }
        }
    }
}
