import Foundation
import HeraldCore
import Synchronization

/// Posts messages through the public API as fast as the server takes them: `connections`
/// workers, each taking the next message (or the next `batchSize` of them) until `count` are
/// handed over, spread over the servers in turn.
struct LoadDriver: Sendable {
    let http: BenchHTTP
    let servers: [URL]
    let key: String
    let settings: BenchSettings

    struct Result: Sendable {
        var accepted = 0
        var refused = 0
        var elapsed: Duration = .zero
    }

    /// One message's JSON: a payload object of about `payloadBytes`, its number inside.
    static func message(_ number: Int, payloadBytes: Int) -> String {
        let filler = String(repeating: "x", count: max(0, payloadBytes - 40))
        return #"{"payload":{"n":\#(number),"data":"\#(filler)"}}"#
    }

    func run(count: Int) async -> Result {
        let next = Counter()
        let totals = Totals()
        let batch = max(1, settings.batchSize)
        let start = ContinuousClock.now
        await withDiscardingTaskGroup { group in
            for worker in 0..<max(1, settings.connections) {
                let server = servers[worker % servers.count].absoluteString
                group.addTask {
                    while true {
                        let range = next.take(batch, of: count)
                        guard !range.isEmpty else { return }
                        let (accepted, refused) = await post(range, to: server)
                        totals.add(accepted: accepted, refused: refused)
                    }
                }
            }
        }
        var result = totals.result
        result.elapsed = .now - start
        return result
    }

    /// The `accepted` count of a batch answer read from its first member (Herald writes keys
    /// sorted, so `{"accepted":N,` leads) without parsing the thousand messages after it: the
    /// load generator shares the cores with the server it measures. `nil` for another shape.
    static func leadingAcceptedCount(_ body: [UInt8]) -> Int? {
        let prefix = Array(#"{"accepted":"#.utf8)
        guard body.count > prefix.count, body.starts(with: prefix) else { return nil }
        var count = 0
        var index = prefix.count
        while index < body.count, let digit = body[index].digitValue {
            count = count * 10 + digit
            index += 1
        }
        return index > prefix.count && index < body.count && body[index] == UInt8(ascii: ",") ? count : nil
    }

    /// Posts the messages numbered `range`; a 503 (backpressure) is waited out and tried again.
    private func post(_ range: Range<Int>, to server: String) async -> (accepted: Int, refused: Int) {
        let single = settings.batchSize <= 1
        let body = single
            ? Self.message(range.lowerBound, payloadBytes: settings.payloadBytes)
            : "[" + range.map { Self.message($0, payloadBytes: settings.payloadBytes) }.joined(separator: ",") + "]"
        let url = server + (single ? "/api/v1/messages" : "/api/v1/messages/batch")
        for _ in 0..<100 {
            guard let answer = try? await http.post(url, key: key, body: Array(body.utf8)) else {
                try? await Task.sleep(for: .milliseconds(100))
                continue
            }
            switch answer.status {
            case 503, 429:
                try? await Task.sleep(for: .milliseconds(200))
            case 200, 202:
                if single { return (1, 0) }
                let accepted = Self.leadingAcceptedCount(answer.body)
                    ?? JSONValue.decode(answer.body)?.objectValue?["accepted"]?.integerValue ?? range.count
                return (accepted, range.count - accepted)
            default:
                return (0, range.count)
            }
        }
        return (0, range.count)
    }
}

/// The next messages to hand over, shared by the workers.
private final class Counter: Sendable {
    private let taken = Mutex(0)

    func take(_ batch: Int, of count: Int) -> Range<Int> {
        taken.withLock { taken in
            let first = taken
            taken = min(count, taken + batch)
            return first..<taken
        }
    }
}

/// The workers' tally.
private final class Totals: Sendable {
    private let state = Mutex(LoadDriver.Result())

    func add(accepted: Int, refused: Int) {
        state.withLock { $0.accepted += accepted; $0.refused += refused }
    }

    var result: LoadDriver.Result { state.withLock { $0 } }
}

private extension UInt8 {
    /// The value of an ASCII decimal digit, or `nil`.
    var digitValue: Int? {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self) ? Int(self - UInt8(ascii: "0")) : nil
    }
}
