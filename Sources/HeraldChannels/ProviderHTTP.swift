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

    /// The start of the body, for the delivery log.
    func excerpt(limit: Int = 256) -> String? {
        body.isEmpty ? nil : String(decoding: body.prefix(limit), as: UTF8.self)
    }
}

enum ProviderHTTP {
    /// The most of an answer's body that is read.
    static let bodyLimit = 64 * 1024

    /// Sends `request`; a failure to get any answer is returned as its retry outcome.
    static func execute(_ request: HTTPClientRequest, client: HTTPClient, timeout: Duration) async -> Result<ProviderAnswer, TransportError> {
        do {
            let response = try await client.execute(request, timeout: .init(timeout))
            var body: [UInt8] = []
            do {
                for try await chunk in response.body {
                    body.append(contentsOf: chunk.readableBytesView.prefix(bodyLimit - body.count))
                    if body.count >= bodyLimit { break }
                }
            } catch {
                // The status decides; a broken body only leaves less to read.
            }
            return .success(ProviderAnswer(status: Int(response.status.code), retryAfter: response.headers.first(name: "retry-after"), body: body))
        } catch {
            return .failure(TransportError(outcome: TransportFailure.outcome(for: error)))
        }
    }

    /// `application/x-www-form-urlencoded` text of `fields`, in order.
    static func formEncoded(_ fields: [(String, String)]) -> String {
        fields.map { "\(formEscape($0.0))=\(formEscape($0.1))" }.joined(separator: "&")
    }

    private static let formSafe: CharacterSet = {
        CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._*")
    }()

    private static func formEscape(_ text: String) -> String {
        (text.addingPercentEncoding(withAllowedCharacters: formSafe) ?? text).replacingOccurrences(of: "%20", with: "+")
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
