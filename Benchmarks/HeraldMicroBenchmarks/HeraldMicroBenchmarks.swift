import Benchmark
import Foundation
import HeraldChannels
import HeraldCore

/// The pure functions every message passes through, timed alone so a change to one shows up
/// without the noise of a whole run: signing a webhook, classifying an answer, reading and
/// writing JSON (one message's payload, and a batch of 1,000 as the batch route reads it), and
/// making an id. `cd Benchmarks && swift package benchmark --target HeraldMicroBenchmarks`.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .mallocCountTotal], scalingFactor: .kilo, maxDuration: .seconds(2))

    let payload = Array(#"{"data":"\#(String(repeating: "x", count: 260))","n":42}"#.utf8)
    let batch = Array(("[" + (0..<1_000).map { #"{"payload":{"n":\#($0),"data":"\#(String(repeating: "x", count: 260))"}}"# }
        .joined(separator: ",") + "]").utf8)
    let payloadValue = (try? JSONParser.parse(payload)) ?? .null
    let message: JSONValue = .object([
        "id": .string("msg_01JDZ7Q2W3E4R5T6Y7U8I9O0P"), "status": .string("queued"), "priority": .integer(0),
        "metadata": .object(["conversation_id": .string("c-1"), "outlet_id": .string("o-1")]), "payload": payloadValue,
        "created_at": .string("2026-12-02T12:00:00.000Z"), "to": .null, "attempts": .integer(0),
    ])
    guard let signer = WebhookSigner(secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw") else {
        fatalError("the benchmark's secret is not valid base64")
    }
    let now = Date()

    Benchmark("sign a webhook (HMAC-SHA256, 300-byte body)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(signer.sign(id: "msg_01JDZ7Q2W3E4R5T6Y7U8I9O0P", timestamp: 1_800_000_000, body: payload))
        }
    }

    Benchmark("classify an answer (200, 503 with Retry-After, 400)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(HTTPOutcomeClassifier.classify(status: 200, now: now))
            blackHole(HTTPOutcomeClassifier.classify(status: 503, retryAfter: "30", now: now))
            blackHole(HTTPOutcomeClassifier.classify(status: 400, now: now))
        }
    }

    Benchmark("parse a 300-byte payload") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try? JSONParser.parse(payload))
        }
    }

    Benchmark("parse a batch of 1,000 messages", configuration: .init(scalingFactor: .one)) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try? JSONParser.parse(batch))
        }
    }

    Benchmark("write a message as JSON (sorted keys)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(JSONWriter.bytes(message))
        }
    }

    Benchmark("make a message id") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(MessageID.generate(at: now))
        }
    }
}
