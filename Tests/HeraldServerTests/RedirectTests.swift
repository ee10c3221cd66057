import Foundation
import HTTPTypes
import HeraldCore
import HeraldServer
import HeraldSink
import HeraldTestSupport
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

/// The server's outbound client never follows a redirect: a receiver answering 302 towards
/// another address gets its answer recorded as a failure, and nothing reaches the address it
/// pointed to (a redirect could otherwise lead a payload past the outbound guard).
struct RedirectTests {
    @Test func aRedirectIsNotFollowed() async throws {
        try await withSink(secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw") { sinkURL, ledger in
            let router = Router()
            router.post("**") { _, _ in Response(status: .found, headers: [.location: sinkURL]) }
            try await withListeningApplication({ reportPort in
                Application(
                    router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                    onServerRunning: { channel in await reportPort(channel.localAddress?.port ?? 0) },
                    logger: ServerBootstrapTests.logger
                )
            }) { redirectorPort in
                let database = try TemporaryDirectory.make().appendingPathComponent("h.sqlite").path
                var configuration = ServerBootstrapTests.configuration(database: database)
                configuration.app.apiKey = "redirect-key"
                configuration.webhook.secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
                configuration.webhook.url = "http://127.0.0.1:\(redirectorPort)/in"
                try await HeraldServerBuilder(configuration: configuration, logger: ServerBootstrapTests.logger, announce: { _ in }).withApplication { app in
                    try await app.test(.live) { client in
                        let headers: HTTPFields = [.authorization: "Bearer redirect-key", .contentType: "application/json"]
                        let accepted = try await client.execute(
                            uri: "/api/v1/messages", method: .post, headers: headers, body: ByteBuffer(string: #"{"content": "hi"}"#)
                        )
                        #expect(accepted.status == .accepted)
                        let id = try #require(JSONValue.decode(Data(accepted.body.readableBytesView))?["id"]?.stringValue)
                        let cycle = try await client.execute(uri: "/api/v1/messaging/process", method: .post, headers: headers)
                        #expect(cycle.status == .ok)
                        let message = try await client.execute(uri: "/api/v1/messages/\(id)", method: .get, headers: headers)
                        let body = JSONValue.decode(Data(message.body.readableBytesView))
                        #expect(body?["status"] == .string("failed"), "\(String(describing: body))")
                        #expect(body?["last_error"] == .string("HTTP 302"))
                    }
                }
            }
            #expect(ledger.stats.received == 0, "the redirect was followed")
        }
    }
}
