import Foundation

/// What one `herald bench` run measured: a table for the terminal, or JSON (`--json`).
public struct BenchReport: Sendable, Encodable {
    public struct Rate: Sendable, Encodable {
        public var messages: Int
        public var seconds: Double
        public var perSecond: Double { seconds > 0 ? Double(messages) / seconds : 0 }

        enum CodingKeys: String, CodingKey { case messages, seconds, perSecond = "per_second" }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(messages, forKey: .messages)
            try container.encode(seconds, forKey: .seconds)
            try container.encode(perSecond.rounded(), forKey: .perSecond)
        }
    }

    public struct Latency: Sendable, Encodable {
        public var offeredRate: Int
        public var messages: Int
        public var p50Ms: Double
        public var p99Ms: Double
        public var p999Ms: Double
        public var maxMs: Double

        enum CodingKeys: String, CodingKey {
            case offeredRate = "offered_rate", messages, p50Ms = "p50_ms", p99Ms = "p99_ms", p999Ms = "p99_9_ms", maxMs = "max_ms"
        }
    }

    /// The settings the run used, as text (`connections=64 batch=1 …`).
    public var setup: String
    /// Messages accepted with the dispatcher paused.
    public var ingest: Rate
    /// That backlog delivered once dispatching resumed.
    public var drain: Rate
    /// Ingest while delivering: first accept to the last delivery the receiver saw.
    public var endToEnd: Rate
    public var latency: Latency?
    /// Resident memory of the servers the bench started (bytes), before the load and at its peak.
    public var idleMemoryBytes: Int?
    public var peakMemoryBytes: Int?
    public var refused = 0

    enum CodingKeys: String, CodingKey {
        case setup, ingest, drain, endToEnd = "end_to_end", latency, idleMemoryBytes = "idle_memory_bytes",
            peakMemoryBytes = "peak_memory_bytes", refused
    }

    /// The table printed on the terminal.
    public var table: String {
        func rate(_ rate: Rate) -> String {
            "\(Self.grouped(rate.perSecond)) messages/s  (\(rate.messages) in \(String(format: "%.2f", rate.seconds)) s)"
        }
        func mebibytes(_ bytes: Int?) -> String { bytes.map { String(format: "%.1f MiB", Double($0) / 1_048_576) } ?? "n/a" }
        var rows: [(String, String)] = [
            ("ingest, dispatcher paused", rate(ingest)),
            ("delivery of that backlog", rate(drain)),
            ("end to end, ingest while delivering", rate(endToEnd)),
        ]
        if let latency {
            rows.append((
                "accept to delivered at \(latency.offeredRate)/s",
                String(format: "p50 %.1f ms  p99 %.1f ms  p99.9 %.1f ms  max %.1f ms  (%d messages)", latency.p50Ms, latency.p99Ms, latency.p999Ms, latency.maxMs, latency.messages)
            ))
        }
        rows.append(("server memory, idle / peak", "\(mebibytes(idleMemoryBytes)) / \(mebibytes(peakMemoryBytes))"))
        if refused > 0 { rows.append(("refused (not counted above)", "\(refused)")) }
        let width = rows.map(\.0.count).max() ?? 0
        return (["herald bench: \(setup)"] + rows.map { $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.1 })
            .joined(separator: "\n")
    }

    static func grouped(_ value: Double) -> String {
        let digits = String(Int(value.rounded()))
        var out = ""
        for (index, character) in digits.reversed().enumerated() {
            if index > 0, index % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return String(out.reversed())
    }
}
