import AsyncHTTPClient
import Foundation
import HeraldCore
import NIOCore
import NIOHTTP1

/// One provider request and the answer as the provider channels read it: status, headers and
/// the first bytes of the body (enough for any success or error object).
struct ProviderAnswer: Sendable {
    var status: Int
    var retryAfter: String?
    var body: [UInt8]

    /// The body parsed as a JSON object, if it is one.
    var json: [String: JSONValue]? { JSONValue.decode(body)?.objectValue }

    /// The start of the body, for the delivery log (``StorableText``).
    func excerpt(limit: Int = 256) -> String? {
        body.isEmpty ? nil : StorableText.clean(bytes: body.prefix(limit), limit: limit)
    }
}

enum ProviderHTTP {
    /// The most of an answer's body that is read.
    static let bodyLimit = 64 * 1024

    /// Sends `request` once `outbound` admits it; a failure to get any answer is returned as
    /// the outcome it stands for.
    static func execute(
        _ request: HTTPClientRequest, client: HTTPClient, outbound: OutboundGuard, timeout: Duration
    ) async -> Result<ProviderAnswer, TransportError> {
        await outbound.send(request, client: client, timeout: timeout) { response in
            var body: [UInt8] = []
            do {
                for try await chunk in response.body {
                    body.append(contentsOf: chunk.readableBytesView.prefix(bodyLimit - body.count))
                    if body.count >= bodyLimit { break }
                }
            } catch {
                // The status decides; a broken body only leaves less to read.
            }
            return ProviderAnswer(status: Int(response.status.code), retryAfter: response.headers.first(name: "retry-after"), body: body)
        }
    }

    /// One delivery attempt: the report of the answer as `classify` reads it, or the retry a
    /// failure to get any answer stands for.
    static func deliver(
        _ request: HTTPClientRequest, client: HTTPClient, outbound: OutboundGuard, timeout: Duration,
        classify: (ProviderAnswer) -> DeliveryOutcome
    ) async -> DeliveryReport {
        switch await execute(request, client: client, outbound: outbound, timeout: timeout) {
        case .failure(let error):
            return DeliveryReport(outcome: error.outcome)
        case .success(let answer):
            return DeliveryReport(outcome: classify(answer), httpStatus: answer.status, responseExcerpt: answer.excerpt())
        }
    }

    /// A credential check: what a 2xx answer says (`accepted`), or why the provider refused.
    static func check(
        _ request: HTTPClientRequest, client: HTTPClient, outbound: OutboundGuard, timeout: Duration, provider: String,
        accepted: ([String: JSONValue]?) -> String, refused: (ProviderAnswer) -> String
    ) async -> CredentialCheck {
        switch await execute(request, client: client, outbound: outbound, timeout: timeout) {
        case .failure(let error):
            return CredentialCheck(ok: false, detail: "no answer from \(provider): \(error.outcome)")
        case .success(let answer) where (200..<300).contains(answer.status):
            return CredentialCheck(ok: true, httpStatus: answer.status, detail: accepted(answer.json))
        case .success(let answer):
            return CredentialCheck(ok: false, httpStatus: answer.status, detail: refused(answer))
        }
    }

    /// `base` without a trailing slash, then `path`.
    static func url(_ base: String, _ path: String) -> String {
        (base.hasSuffix("/") ? String(base.dropLast()) : base) + path
    }
}

/// No answer came back: the outcome that failure stands for.
struct TransportError: Error {
    var outcome: DeliveryOutcome
}
