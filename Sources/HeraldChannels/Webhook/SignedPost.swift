import AsyncHTTPClient
import Foundation
import HeraldCore
import NIOCore
import NIOHTTP1

/// One Standard Webhooks request: `POST` of a JSON body with `webhook-id`, `webhook-timestamp`
/// and `webhook-signature` (one `v1,` signature per secret, space-separated, so a receiver
/// that knows either of two secrets during a rotation accepts it), the answer classified into
/// a ``DeliveryOutcome``. Shared by the webhook and the events channels.
struct SignedPost {
    var url: String
    /// The `webhook-id`: the message's id, the same on every retry.
    var id: String
    var body: [UInt8]
    var signers: [WebhookSigner]
    var bearerToken: String?
    /// Extra headers; they replace Herald's own of the same name.
    var headers: [String: String] = [:]

    func send(
        client: HTTPClient, outbound: OutboundGuard, timeout: Duration, excerptLimit: Int, userAgent: String, clock: any WallClock
    ) async -> DeliveryReport {
        let timestamp = Int(clock.now().timeIntervalSince1970)
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.headers.add(name: "user-agent", value: userAgent)
        request.headers.add(name: "webhook-id", value: id)
        request.headers.add(name: "webhook-timestamp", value: String(timestamp))
        if !signers.isEmpty {
            let signatures = signers.map { $0.sign(id: id, timestamp: timestamp, body: body) }
            request.headers.add(name: "webhook-signature", value: signatures.joined(separator: " "))
        }
        if let bearerToken {
            request.headers.add(name: "authorization", value: "Bearer \(bearerToken)")
        }
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) {
            request.headers.replaceOrAdd(name: name, value: value)
        }
        request.body = .bytes(ByteBuffer(bytes: body))

        let answer = await outbound.send(request, client: client, timeout: timeout) { response in
            (status: Int(response.status.code), retryAfter: response.headers.first(name: "retry-after"),
             excerpt: await ResponseExcerpt.read(response.body, limit: excerptLimit))
        }
        switch answer {
        case .failure(let error):
            return DeliveryReport(outcome: error.outcome)
        case .success(let answer):
            let outcome = HTTPOutcomeClassifier.classify(status: answer.status, retryAfter: answer.retryAfter, now: clock.now())
            return DeliveryReport(outcome: outcome, httpStatus: answer.status, responseExcerpt: answer.excerpt)
        }
    }
}
