import AsyncHTTPClient
import Foundation
import HTTPTypes
import HeraldAPI
import HeraldCore
import HeraldServer
import HeraldTestSupport
import HummingbirdTesting
import NIOCore
import NIOHTTP1
import Testing

/// When more messages wait to be written than `database.max_pending_writes`, ingest answers 503
/// `overloaded` with `Retry-After` at once — nothing stored, nothing lost, memory bounded —
/// and every message it did accept is stored.
struct BackpressureAPITests {
    @Test func aFullWriteQueueAnswers503WithRetryAfter() async throws {
        let database = try TemporaryDirectory.make().appendingPathComponent("h.sqlite").path
        var configuration = ServerBootstrapTests.configuration(database: database)
        configuration.app.apiKey = "backpressure-key"
        configuration.webhook.secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
        // A slow disk, in effect: each group commit waits 300 ms for company, and only one
        // message may wait meanwhile.
        configuration.database.groupCommitWindow = .milliseconds(300)
        configuration.database.maxPendingWrites = 1
        try await HeraldServerBuilder(configuration: configuration, logger: ServerBootstrapTests.logger, announce: { _ in }).withApplication { app in
            try await app.test(.live) { client in
                let port = try #require(client.port)
                // At once, each on a connection of its own.
                let answers = try await withThrowingTaskGroup(of: (Int, String?, JSONValue).self) { group in
                    for index in 0..<20 {
                        group.addTask {
                            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/api/v1/messages")
                            request.method = .POST
                            request.headers.add(name: "authorization", value: "Bearer backpressure-key")
                            request.headers.add(name: "content-type", value: "application/json")
                            request.body = .bytes(ByteBuffer(string: #"{"channel": "webhook", "content": "m\#(index)"}"#))
                            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
                            let body = try await response.body.collect(upTo: 1 << 20)
                            return (
                                Int(response.status.code), response.headers.first(name: "retry-after"),
                                JSONValue.decode(Data(body.readableBytesView)) ?? .null
                            )
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                let accepted = answers.filter { $0.0 == 202 }
                let refused = answers.filter { $0.0 == 503 }
                #expect(accepted.count + refused.count == 20, "\(answers.map(\.0))")
                #expect(!accepted.isEmpty)
                #expect(!refused.isEmpty, "the queue should have been full")
                for (_, retryAfter, body) in refused {
                    #expect(retryAfter == "1")
                    #expect(body["error"] == .string("overloaded"))
                }
                // Every accepted message is stored.
                for (_, _, body) in accepted {
                    let id = try #require(body["id"]?.stringValue)
                    let stored = try await client.execute(
                        uri: "/api/v1/messages/\(id)", method: .get, headers: [.authorization: "Bearer backpressure-key"]
                    )
                    #expect(stored.status == .ok)
                }
            }
        }
    }

    /// Past `app.max_backlog` messages waiting to be sent, ingest answers 503 `backlog_full`
    /// with `Retry-After`; once the backlog shrinks it accepts again.
    @Test func aFullBacklogAnswers503UntilItShrinks() async throws {
        var harness = APITestHarness()
        harness.limits.maxBacklog = 3
        harness.limits.backlogCountInterval = .zero
        try await harness.test { client in
            var ids: [String] = []
            for index in 0..<3 {
                let (status, body, _) = try await client.call(.post, "/api/v1/messages", json: #"{"url": "https://hooks.example.com/in", "content": "m\#(index)"}"#)
                #expect(status == .accepted)
                ids.append(try #require(body["id"]?.stringValue))
            }
            let (full, body, headers) = try await client.call(.post, "/api/v1/messages", json: #"{"url": "https://hooks.example.com/in", "content": "one too many"}"#)
            #expect(full == .serviceUnavailable)
            #expect(body["error"] == .string("backlog_full"))
            #expect(headers[.retryAfter] == "5")
            #expect(try await client.call(.post, "/api/v1/messages/\(ids[0])/cancel").status == .ok)
            #expect(try await client.call(.post, "/api/v1/messages", json: #"{"url": "https://hooks.example.com/in", "content": "room again"}"#).status == .accepted)
        }
    }
}
