import AsyncHTTPClient
import Foundation
import HeraldCore
import NIOCore
import Synchronization

/// A `herald sink` process on an ephemeral port, for end-to-end tests against the real binary.
final class SinkProcess: Sendable {
    let process: Process
    let port: Int
    private let output: OutputBuffer

    /// Starts `herald sink` on `port` (0: any free one; verifying signatures with `secret`, answering as `options`
    /// say, such as `--fail-first 3`) and waits for its port.
    init(secret: String, port requested: Int = 0, options: [String] = []) async throws {
        (process, output, port) = try await HeraldProcess.launch(["sink", "--port", "\(requested)", "--secret", secret, "--log-level", "warning"] + options) { text in
            text.range(of: "herald sink listening on http://").flatMap { range in
                Int(text[range.upperBound...].prefix { $0 != "\n" }.split(separator: ":").last ?? "")
            }
        }
    }

    /// Where messages go: the sink counts each by `webhook-id`.
    var url: String { "http://127.0.0.1:\(port)/hook" }

    /// `GET /stats`: `received`, `unique_delivered`, `duplicates`, `invalid_signatures`…
    func stats() async throws -> JSONValue {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/stats"), timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        return JSONValue.decode(Array(body.readableBytesView)) ?? .null
    }

    /// `GET /deliveries`: successful deliveries per `webhook-id`.
    func deliveriesByID() async throws -> [String: Int] {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/deliveries"), timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 16 << 20)
        return (JSONValue.decode(Array(body.readableBytesView))?.objectValue ?? [:]).compactMapValues(\.integerValue)
    }

    /// `GET /attempts`: requests per `webhook-id`, whatever they were answered.
    func attempts() async throws -> [String: Int] {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/attempts"), timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 16 << 20)
        return (JSONValue.decode(Array(body.readableBytesView))?.objectValue ?? [:]).compactMapValues(\.integerValue)
    }

    func terminate() async {
        process.terminate()
        while process.isRunning { try? await Task.sleep(for: .milliseconds(20)) }
    }
}
