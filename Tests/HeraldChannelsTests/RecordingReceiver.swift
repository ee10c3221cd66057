import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import HeraldTestSupport
import Synchronization

/// An in-process HTTP endpoint on an ephemeral port that records each request and answers
/// with scripted responses, in order (the last one repeats).
final class RecordingReceiver: Sendable {
    struct Recorded: Sendable {
        var path: String
        /// The `Host` the request named.
        var authority: String?
        var headers: HTTPFields
        var body: Data
    }

    struct Answer: Sendable {
        var status: HTTPResponse.Status = .ok
        var headers: HTTPFields = [:]
        var body: String = ""
        var delay: Duration = .zero
    }

    private let recorded = Mutex<[Recorded]>([])
    private let answers: Mutex<[Answer]>

    init(answers: [Answer] = [Answer()]) {
        self.answers = Mutex(answers)
    }

    var requests: [Recorded] { recorded.withLock { $0 } }

    /// Runs the receiver while `body` runs, passing it the base URL; with `tls`, it speaks
    /// HTTPS with that server configuration.
    func run<T: Sendable>(tls: TLSConfiguration? = nil, _ body: @Sendable (String) async throws -> T) async throws -> T {
        let router = Router()
        router.post("/") { request, _ in try await self.answer(request) }
        router.post("**") { request, _ in try await self.answer(request) }
        let server: HTTPServerBuilder = try tls.map { try .tls(.http1(), tlsConfiguration: $0) } ?? .http1()
        return try await withListeningApplication({ reportPort in
            Application(
                router: router,
                server: server,
                configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                onServerRunning: { channel in await reportPort(channel.localAddress?.port ?? 0) },
                logger: Logger(label: "receiver", factory: { _ in SwiftLogNoOpLogHandler() })
            )
        }) { port in
            try await body("\(tls == nil ? "http" : "https")://127.0.0.1:\(port)")
        }
    }

    private func answer(_ request: Request) async throws -> Response {
        let body = try await request.body.collect(upTo: 1 << 20)
        recorded.withLock { $0.append(Recorded(path: request.uri.path, authority: request.head.authority, headers: request.headers, body: Data(body.readableBytesView))) }
        let answer = answers.withLock { answers in answers.count > 1 ? answers.removeFirst() : answers[0] }
        if answer.delay > .zero { try await Task.sleep(for: answer.delay) }
        return Response(status: answer.status, headers: answer.headers, body: .init(byteBuffer: ByteBuffer(string: answer.body)))
    }
}
