public import Foundation
public import HTTPTypes
import Hummingbird
import HummingbirdCore
public import HummingbirdTLS
import Logging
import NIOCore
import Synchronization

/// An in-process HTTP endpoint on an ephemeral port that records each request and answers
/// with scripted responses, in order (the last one repeats).
public final class RecordingReceiver: Sendable {
    public struct Recorded: Sendable {
        public var path: String
        /// The `Host` the request named.
        public var authority: String?
        public var headers: HTTPFields
        public var body: Data
        /// When the request arrived.
        public var at: ContinuousClock.Instant
    }

    public struct Answer: Sendable {
        public var status: HTTPResponse.Status
        public var headers: HTTPFields
        /// The body's bytes, as they go out (any bytes: NUL, invalid UTF-8).
        public var bytes: [UInt8]
        /// How long to wait before answering (a receiver that never answers: hours).
        public var delay: Duration

        public init(status: HTTPResponse.Status = .ok, headers: HTTPFields = [:], body: String = "", delay: Duration = .zero) {
            self.init(status: status, headers: headers, bytes: Array(body.utf8), delay: delay)
        }

        public init(status: HTTPResponse.Status = .ok, headers: HTTPFields = [:], bytes: [UInt8], delay: Duration = .zero) {
            self.status = status
            self.headers = headers
            self.bytes = bytes
            self.delay = delay
        }
    }

    private let recorded = Mutex<[Recorded]>([])
    private let answers: Mutex<[Answer]>

    public init(answers: [Answer] = [Answer()]) {
        self.answers = Mutex(answers)
    }

    public var requests: [Recorded] { recorded.withLock { $0 } }

    /// How many requests arrived.
    public var count: Int { recorded.withLock { $0.count } }

    /// Runs the receiver while `body` runs, passing it the base URL; with `tls`, it speaks
    /// HTTPS with that server configuration.
    public func run<T: Sendable>(tls: TLSConfiguration? = nil, _ body: @Sendable (String) async throws -> T) async throws -> T {
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
        let now = ContinuousClock.now
        recorded.withLock {
            $0.append(Recorded(path: request.uri.path, authority: request.head.authority, headers: request.headers, body: Data(body.readableBytesView), at: now))
        }
        let answer = answers.withLock { answers in answers.count > 1 ? answers.removeFirst() : answers[0] }
        if answer.delay > .zero { try await Task.sleep(for: answer.delay) }
        return Response(status: answer.status, headers: answer.headers, body: .init(byteBuffer: ByteBuffer(bytes: answer.bytes)))
    }
}
