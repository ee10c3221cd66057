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
    /// Requests still waiting out their answer's delay, let go when the receiver stops.
    private let stopping = Mutex<(stopped: Bool, waiters: [UUID: CheckedContinuation<Void, Never>], released: Set<UUID>)>((false, [:], []))

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
            // A receiver that holds answers (one that never answers) lets them go when the test
            // is done with it, so stopping it does not wait them out.
            defer { stop() }
            return try await body("\(tls == nil ? "http" : "https")://127.0.0.1:\(port)")
        }
    }

    private func stop() {
        let waiters = stopping.withLock { state in
            state.stopped = true
            defer { state.waiters = [:] }
            return state.waiters
        }
        for waiter in waiters.values { waiter.resume() }
    }

    /// Waits `delay`, or until the receiver stops.
    private func hold(for delay: Duration) async {
        let ticket = UUID()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await Task.sleep(for: delay) }
            group.addTask {
                await withCheckedContinuation { continuation in
                    let goOn = self.stopping.withLock { state in
                        let goOn = state.stopped || state.released.remove(ticket) != nil
                        if !goOn { state.waiters[ticket] = continuation }
                        return goOn
                    }
                    if goOn { continuation.resume() }
                }
            }
            await group.next()
            group.cancelAll()
            // The stop waiter cannot be cancelled: the delay ended first, so let it go (now, or
            // as soon as it is there).
            let waiter = stopping.withLock { state in
                let waiter = state.waiters.removeValue(forKey: ticket)
                if waiter == nil, !state.stopped { state.released.insert(ticket) }
                return waiter
            }
            waiter?.resume()
        }
    }

    private func answer(_ request: Request) async throws -> Response {
        let body = try await request.body.collect(upTo: 1 << 20)
        let now = ContinuousClock.now
        recorded.withLock {
            $0.append(Recorded(path: request.uri.path, authority: request.head.authority, headers: request.headers, body: Data(body.readableBytesView), at: now))
        }
        let answer = answers.withLock { answers in answers.count > 1 ? answers.removeFirst() : answers[0] }
        if answer.delay > .zero { await hold(for: answer.delay) }
        return Response(status: answer.status, headers: answer.headers, body: .init(byteBuffer: ByteBuffer(bytes: answer.bytes)))
    }
}
