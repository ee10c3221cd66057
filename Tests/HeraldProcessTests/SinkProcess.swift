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

    /// Starts `herald sink --port 0` (verifying signatures with `secret`) and waits for its port.
    init(secret: String) async throws {
        let process = Process()
        process.executableURL = HeraldProcess.binary
        process.arguments = ["sink", "--port", "0", "--secret", secret, "--log-level", "warning"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        let output = OutputBuffer()
        pipe.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            output.text.withLock { $0 += String(decoding: data, as: UTF8.self) }
        }
        try process.run()
        self.process = process
        self.output = output
        let deadline = ContinuousClock.now + .seconds(30)
        var found: Int?
        while found == nil, ContinuousClock.now < deadline, process.isRunning {
            found = output.text.withLock { text in
                text.range(of: "herald sink listening on http://").flatMap { range in
                    Int(text[range.upperBound...].prefix { $0 != "\n" }.split(separator: ":").last ?? "")
                }
            }
            if found == nil { try await Task.sleep(for: .milliseconds(20)) }
        }
        guard let found else {
            process.terminate()
            throw ProcessFailure(message: "herald sink did not start:\n" + output.text.withLock { $0 })
        }
        port = found
    }

    /// Where messages go: the sink counts each by `webhook-id`.
    var url: String { "http://127.0.0.1:\(port)/hook" }

    /// `GET /stats`: `received`, `unique_delivered`, `duplicates`, `invalid_signatures`…
    func stats() async throws -> JSONValue {
        let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/stats"), timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        return JSONValue.decode(Array(body.readableBytesView)) ?? .null
    }

    func terminate() async {
        process.terminate()
        while process.isRunning { try? await Task.sleep(for: .milliseconds(20)) }
    }
}
