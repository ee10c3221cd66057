import Foundation
import HeraldCore

/// `herald bench`: measures Herald as a user runs it, through its public HTTP API only —
/// ingest with the dispatcher paused, the delivery of that backlog, ingest while delivering
/// (first accept to the last delivery the receiver saw), accept-to-delivered latency at a fixed
/// offered rate, and the servers' resident memory.
///
/// ```swift
/// var settings = BenchSettings()
/// settings.count = 10_000
/// print(try await Bench(settings: settings).run().table)
/// ```
public struct Bench: Sendable {
    public let settings: BenchSettings
    /// Told of each step as it starts (the command prints them on standard error).
    public var progress: @Sendable (String) -> Void = { _ in }

    public init(settings: BenchSettings, progress: @escaping @Sendable (String) -> Void = { _ in }) {
        self.settings = settings
        self.progress = progress
    }

    public func run() async throws -> BenchReport {
        let fleet = settings.serverURL == nil ? try await BenchFleet.start(settings) : nil
        do {
            let report = try await measure(fleet)
            await fleet?.stop()
            return report
        } catch {
            await fleet?.stop()
            throw error
        }
    }

    private func measure(_ fleet: BenchFleet?) async throws -> BenchReport {
        let servers = fleet?.serverURLs ?? [settings.serverURL!]
        let http = BenchHTTP.make(connections: settings.connections * 2)
        do {
            let report = try await measure(fleet, servers: servers, http: http)
            try await http.shutdown()
            return report
        } catch {
            try? await http.shutdown()
            throw error
        }
    }

    private func measure(_ fleet: BenchFleet?, servers: [URL], http: BenchHTTP) async throws -> BenchReport {
        let watch = DeliveryWatch(http: http, sinkStatsURL: fleet?.sinkStatsURL, serverURL: servers[0], adminKey: settings.adminKey)
        let memory = MemorySampler(pids: fleet?.serverPIDs ?? [])
        try await Task.sleep(for: .seconds(1))
        let idle = memory.current()

        return try await withThrowingTaskGroup(of: BenchReport?.self) { group in
            group.addTask { await memory.sample(); return nil }
            let load = LoadDriver(http: http, servers: servers, key: settings.apiKey, settings: settings)

            progress("1/4 ingest, dispatcher paused: \(settings.count) messages")
            try await scheduler("stop", servers[0], http)
            let ingest = await load.run(count: settings.count)

            progress("2/4 delivery of that backlog")
            let before = try await watch.delivered()
            let drainStart = ContinuousClock.now
            try await scheduler("start", servers[0], http)
            let drained = try await watch.wait(for: before + ingest.accepted)

            progress("3/4 end to end, ingest while delivering: \(settings.count) messages")
            let mixedStart = ContinuousClock.now
            let mixed = await load.run(count: settings.count)
            let lastDelivery = try await watch.wait(for: before + ingest.accepted + mixed.accepted)

            var latency: BenchReport.Latency?
            if settings.latencyRate > 0 {
                progress("4/4 latency at \(settings.latencyRate) messages/s for \(settings.latencyDuration)")
                let probe = LatencyProbe(http: http, server: servers[0], key: settings.apiKey, payloadBytes: settings.payloadBytes)
                let ids = await probe.offer(rate: settings.latencyRate, duration: settings.latencyDuration)
                _ = try await watch.wait(for: before + ingest.accepted + mixed.accepted + ids.count)
                let measured = try await probe.measure(ids)
                latency = .init(
                    offeredRate: settings.latencyRate, messages: measured.offered, p50Ms: measured.p50Ms, p99Ms: measured.p99Ms,
                    p999Ms: measured.p999Ms, maxMs: measured.maxMs
                )
            }
            group.cancelAll()
            return BenchReport(
                setup: setup(fleet),
                ingest: .init(messages: ingest.accepted, seconds: ingest.elapsed.seconds),
                drain: .init(messages: ingest.accepted, seconds: (drained - drainStart).seconds),
                endToEnd: .init(messages: mixed.accepted, seconds: (lastDelivery - mixedStart).seconds),
                latency: latency,
                idleMemoryBytes: idle,
                peakMemoryBytes: memory.peak,
                refused: ingest.refused + mixed.refused
            )
        }
    }

    /// Pauses (`stop`) or resumes (`start`) the whole server with the admin key.
    private func scheduler(_ action: String, _ server: URL, _ http: BenchHTTP) async throws {
        let answer = try await http.post(server.appendingPathComponent("api/v1/scheduler/\(action)").absoluteString, key: settings.adminKey)
        guard answer.status == 200 || answer.status == 400 else {  // 400: already in that state.
            throw BenchError("POST /api/v1/scheduler/\(action) answered \(answer.status): the bench needs the admin key (--admin-key)")
        }
    }

    private func setup(_ fleet: BenchFleet?) -> String {
        var parts = [
            "messages=\(settings.count)", "connections=\(settings.connections)", "batch=\(settings.batchSize)",
            "payload=\(settings.payloadBytes)B",
        ]
        if fleet != nil {
            parts += ["database=\(settings.database.map { $0.hasPrefix("postgres") ? "postgresql" : $0 } ?? "sqlite")",
                      "durability=\(settings.durability)", "processes=\(settings.processes)"]
            parts.append("receiver=\(settings.receiverURL ?? "herald sink")")
        } else {
            parts.append("server=\(settings.serverURL!.absoluteString)")
        }
        return parts.joined(separator: " ")
    }

    /// Trickle mode: one message every `interval` until cancelled, each line printed as it is accepted.
    public func trickle(every interval: Duration, print: @Sendable (String) -> Void) async throws {
        guard let server = settings.serverURL else { throw BenchError("--every needs --server: a Herald to send to") }
        let http = BenchHTTP.shared
        var number = 0
        while !Task.isCancelled {
            let body = LoadDriver.message(number, payloadBytes: settings.payloadBytes)
            let answer = try await http.post(server.appendingPathComponent("api/v1/messages").absoluteString, key: settings.apiKey, body: Array(body.utf8))
            let id = JSONValue.decode(answer.body)?.objectValue?["id"]?.stringValue ?? "-"
            print("\(Timestamp.format(Date())) \(answer.status) \(id)")
            number += 1
            try await Task.sleep(for: interval)
        }
    }
}
