import ArgumentParser
import HeraldClient
import HeraldCore

/// `herald status`: the tenant's queue per status and whether dispatching runs.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Queue counts per status and the scheduler's state.",
        discussion: "Example:\n  HERALD_URL=http://localhost:8080 HERALD_API_KEY=… herald status"
    )

    @OptionGroup var client: ClientOptions
    @Flag(help: "Count the tenant's status events instead of its messages.")
    var events = false

    func run() async throws {
        let status = try await client.herald().queueStatus(events: events)
        if client.json {
            Terminal.printJSON(status)
            return
        }
        let pausedBy = [status.serverPaused ? "server paused" : nil, status.tenantPaused == true ? "tenant paused" : nil].compactMap { $0 }
        let reason = pausedBy.isEmpty ? "" : " (\(pausedBy.joined(separator: ", ")))"
        print("scheduler: \(status.running ? "running" : "stopped")\(reason), \(status.inFlight) of \(status.concurrency) sends in flight")
        print("last minute: \(status.sentLastMinute) sent, \(status.retriedLastMinute) retried, \(status.failedLastMinute) failed")
        Terminal.printTable([["STATUS", "MESSAGES"]] + status.counts.filter { $0.value > 0 }.sorted { $0.key < $1.key }.map { [$0.key, "\($0.value)"] })
    }
}
