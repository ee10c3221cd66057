import Foundation
import Synchronization

/// The resident memory of processes the bench started, read from `/proc/<pid>/status`
/// (`VmRSS`): once on demand, and the peak seen while ``sample(every:)`` runs.
final class MemorySampler: Sendable {
    let pids: [Int32]
    private let peakBytes = Mutex(0)

    init(pids: [Int32]) {
        self.pids = pids
    }

    /// The sum over the processes now, in bytes; `nil` when none can be read (not on Linux,
    /// or a server the bench did not start).
    func current() -> Int? {
        let sizes = pids.compactMap(Self.residentBytes)
        return sizes.isEmpty ? nil : sizes.reduce(0, +)
    }

    /// The highest ``current()`` seen so far.
    var peak: Int? { peakBytes.withLock { $0 == 0 ? nil : $0 } }

    /// Samples until cancelled.
    func sample(every interval: Duration = .milliseconds(100)) async {
        while !Task.isCancelled {
            if let now = current() { peakBytes.withLock { $0 = max($0, now) } }
            try? await Task.sleep(for: interval)
        }
    }

    static func residentBytes(_ pid: Int32) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
              let kilobytes = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        else { return nil }
        return kilobytes * 1024
    }
}
