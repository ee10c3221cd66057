import Foundation
import HeraldCore

/// How many messages have reached the receiver: the sink's own count when the bench started
/// it, else Herald's count of sent messages (its `/metrics` queue depth, kept by the database).
struct DeliveryWatch: Sendable {
    let http: BenchHTTP
    let sinkStatsURL: URL?
    let serverURL: URL
    let adminKey: String

    func delivered() async throws -> Int {
        if let sinkStatsURL {
            let answer = try await http.get(sinkStatsURL.absoluteString)
            return JSONValue.decode(answer.body)?.objectValue?["unique_delivered"]?.integerValue ?? 0
        }
        let answer = try await http.get(serverURL.appendingPathComponent("metrics").absoluteString, key: adminKey)
        guard answer.status == 200 else { throw BenchError("GET /metrics answered \(answer.status): the admin key is needed") }
        let text = String(decoding: answer.body, as: UTF8.self)
        let prefix = #"herald_queue_depth{status="sent"} "#
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }) else { return 0 }
        return Int(Double(line.dropFirst(prefix.count)) ?? 0)
    }

    /// Waits until `count` have arrived; the moment the last was seen.
    /// - Throws: when nothing new arrives for `stall` (a run that cannot finish).
    func wait(for count: Int, stall: Duration = .seconds(60)) async throws -> ContinuousClock.Instant {
        var last = -1
        var lastChange = ContinuousClock.now
        while true {
            let now = try await delivered()
            if now >= count { return .now }
            if now != last {
                last = now
                lastChange = .now
            } else if .now - lastChange > stall {
                throw BenchError("deliveries stopped at \(now) of \(count) for \(stall)")
            }
            // The sink's count is cheap; a scrape of Herald's /metrics is not, and polling it
            // every 10 ms would load the server it measures.
            try await Task.sleep(for: sinkStatsURL == nil ? .milliseconds(50) : .milliseconds(10))
        }
    }
}
