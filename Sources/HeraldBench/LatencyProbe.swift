import Foundation
import HeraldCore
import Histogram

/// Accept-to-delivered latency at a fixed offered rate: messages go out one by one on a fixed
/// schedule (not as fast as possible, which would measure queueing), then each message's
/// stored `created_at` and `sent_at` (the moment the receiver's answer was recorded) give its
/// latency, in milliseconds as the store keeps them.
struct LatencyProbe: Sendable {
    let http: BenchHTTP
    let server: URL
    let key: String
    let payloadBytes: Int

    struct Result: Sendable {
        var offered: Int
        var p50Ms: Double
        var p99Ms: Double
        var p999Ms: Double
        var maxMs: Double
    }

    /// Offers `rate` messages a second for `duration`; returns the ids accepted.
    func offer(rate: Int, duration: Duration) async -> [String] {
        let total = Int(Double(rate) * Double(duration.components.seconds))
        let interval = Duration.seconds(1) / rate
        let start = ContinuousClock.now
        return await withTaskGroup(of: String?.self) { group in
            for number in 0..<total {
                try? await Task.sleep(until: start + interval * number)
                group.addTask {
                    let body = LoadDriver.message(number, payloadBytes: payloadBytes)
                    guard let answer = try? await http.post(server.appendingPathComponent("api/v1/messages").absoluteString, key: key, body: Array(body.utf8)),
                          answer.status == 202
                    else { return nil }
                    return JSONValue.decode(answer.body)?.objectValue?["id"]?.stringValue
                }
            }
            var ids: [String] = []
            for await id in group { if let id { ids.append(id) } }
            return ids
        }
    }

    /// The latencies of `ids`, read from the server once they have been sent.
    func measure(_ ids: [String]) async throws -> Result {
        var histogram = Histogram<UInt64>(highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .three)
        for id in ids {
            let answer = try await http.get(server.appendingPathComponent("api/v1/messages/\(id)").absoluteString, key: key)
            guard let object = JSONValue.decode(answer.body)?.objectValue,
                  let created = object["created_at"]?.stringValue.flatMap(Timestamp.parse),
                  let sent = object["sent_at"]?.stringValue.flatMap(Timestamp.parse)
            else { continue }
            _ = histogram.record(UInt64(max(0, sent.timeIntervalSince(created)) * 1_000_000))
        }
        let ms = { (value: UInt64) in Double(value) / 1000 }
        return Result(
            offered: ids.count, p50Ms: ms(histogram.valueAtPercentile(50)), p99Ms: ms(histogram.valueAtPercentile(99)),
            p999Ms: ms(histogram.valueAtPercentile(99.9)), maxMs: ms(histogram.max)
        )
    }
}
