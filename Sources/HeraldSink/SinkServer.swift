import Foundation
import HeraldChannels
import HTTPTypes
public import Hummingbird
public import Logging
import NIOCore

/// A local webhook receiver: counts what it receives by `webhook-id`, verifies Standard Webhooks
/// signatures when given the secret, and answers as ``SinkBehaviour`` says.
///
/// `GET /stats` gives the counts; `GET /deliveries` gives successful deliveries per id.
public struct SinkServer: Sendable {
    public let ledger: SinkLedger
    private let behaviour: SinkBehaviour
    private let signer: WebhookSigner?
    private let logger: Logger

    /// - Throws: ``SinkError`` when the secret is not a `whsec_…` secret.
    public init(behaviour: SinkBehaviour, secret: String?, ledger: SinkLedger = SinkLedger(), logger: Logger) throws {
        if let secret {
            guard let signer = WebhookSigner(secret: secret) else { throw SinkError.invalidSecret }
            self.signer = signer
        } else {
            self.signer = nil
        }
        self.behaviour = behaviour
        self.ledger = ledger
        self.logger = logger
    }

    /// The sink as a Hummingbird application on `host:port` (port 0 picks a free one, reported
    /// through `onServerRunning`).
    public func application(
        host: String,
        port: Int,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = Router()
        router.get("stats") { _, _ in Self.jsonResponse(ledger.stats) }
        router.get("deliveries") { _, _ in Self.jsonResponse(ledger.deliveries) }
        router.get("attempts") { _, _ in Self.jsonResponse(ledger.attempts) }
        router.post("/") { request, _ in try await receive(request) }
        router.post("**") { request, _ in try await receive(request) }
        return Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "herald-sink"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
            logger: logger
        )
    }

    private func receive(_ request: Request) async throws -> Response {
        ledger.recordReceived()
        let body = try await request.body.collect(upTo: 16 << 20)
        let id = HTTPField.Name("webhook-id").flatMap { request.headers[$0] }
        if let signer {
            let timestamp = HTTPField.Name("webhook-timestamp").flatMap { request.headers[$0] }.flatMap { Int($0) }
            let signature = HTTPField.Name("webhook-signature").flatMap { request.headers[$0] }
            guard let id, let timestamp, let signature,
                  signer.verify(id: id, timestamp: timestamp, body: body.readableBytesView, signatureHeader: signature)
            else {
                ledger.recordInvalidSignature()
                logger.warning("rejected a request with a missing or invalid signature", metadata: ["webhook-id": "\(id ?? "-")"])
                return Response(status: .unauthorized)
            }
        }
        if behaviour.delay > .zero {
            try await Task.sleep(for: behaviour.delay)
        }
        let attempt = ledger.recordAttempt(id: id ?? "(no webhook-id)")
        let failOnPurpose = attempt <= behaviour.failFirst
            || (behaviour.failureRate > 0 && Double.random(in: 0..<1) < behaviour.failureRate)
        let status = failOnPurpose ? behaviour.failureStatus : behaviour.status
        var headers: HTTPFields = [:]
        if let retryAfter = behaviour.retryAfter, !(200..<300).contains(status) {
            headers[.retryAfter] = retryAfter
        }
        if (200..<300).contains(status) {
            ledger.recordDelivered(id: id ?? "(no webhook-id)")
            logger.debug("received", metadata: ["webhook-id": "\(id ?? "-")", "bytes": "\(body.readableBytes)"])
        } else {
            ledger.recordFailedOnPurpose()
        }
        return Response(status: HTTPResponse.Status(code: status), headers: headers)
    }

    /// `value` as a 200 JSON answer, keys sorted.
    static func jsonResponse(_ value: some Encodable) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Response(
            status: .ok,
            headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: (try? encoder.encode(value)) ?? Data("null".utf8)))
        )
    }
}

/// A sink set-up problem.
public enum SinkError: Error, CustomStringConvertible {
    case invalidSecret

    public var description: String {
        switch self {
        case .invalidSecret: "the secret must be whsec_ followed by base64"
        }
    }
}
