import Foundation
import HTTPTypes
import HeraldCore
import NIOHTTP1
import HeraldTestSupport
import Testing

extension HeavyLoad {
    /// One tenant's backlog never starves another tenant's message: claims are shared between the
    /// tenants with due work, a tenant holds at most `dispatcher.tenant_share` of the send slots
    /// while another competes, and no destination more than `dispatcher.connections_per_host` —
    /// so a slow or hanging receiver cannot take every slot.
    @Suite(.serialized)
    struct TenantFairnessProcessTests {
        @Test(.timeLimit(.minutes(6)), arguments: ServerProcess.Driver.available)
        func aBacklogToASlowAndAHangingReceiverDelaysNoOtherTenantsMessage(driver: ServerProcess.Driver) async throws {
            let slow = RecordingReceiver(answers: [.init(delay: .milliseconds(200))])
            let hanging = RecordingReceiver(answers: [.init(delay: .seconds(3600))])
            let fast = RecordingReceiver()
            try await slow.run { slowURL in
                try await hanging.run { hangingURL in
                    try await fast.run { fastURL in
                        try await ServerProcess.run(driver, environment: ["HERALD_WEBHOOK_TIMEOUT": "5s"]) { server in
                            let (keyA, _) = try await server.makeTenant("tenant-a")
                            let (keyB, _) = try await server.makeTenant("tenant-b")
                            // A: 20,000 to a receiver answering in 200 ms and 500 to one that never answers.
                            let backlog = (0..<20_000).map { "\(slowURL)/a/\($0)" } + (0..<500).map { "\(hangingURL)/a/\($0)" }
                            for start in stride(from: 0, to: backlog.count, by: 1000) {
                                let items = backlog[start..<min(start + 1000, backlog.count)].map { #"{"url": "\#($0)", "content": "a"}"# }
                                    let (status, _) = try await server.call(.POST, "/api/v1/messages/batch", key: keyA, json: #"{"messages": [\#(items.joined(separator: ","))]}"#)
                                try #require(status == .accepted)
                            }
                            #expect(await eventually(timeout: .seconds(30)) { slow.count > 0 && hanging.count > 0 })

                            // B: one message a second for 20 s, each timed from its 202 to its arrival.
                            var accepted: [Int: ContinuousClock.Instant] = [:]
                            for index in 0..<20 {
                                let (status, _) = try await server.call(.POST, "/api/v1/messages", key: keyB, json: #"{"url": "\#(fastURL)/b/\#(index)", "content": "b"}"#)
                                accepted[index] = .now
                                #expect(status == .accepted)
                                try await Task.sleep(for: .seconds(1))
                            }
                            // Long enough to measure the wait on a build that is not fair, too.
                            #expect(await eventually(timeout: .seconds(150), every: .milliseconds(100)) { fast.count == 20 })
                            var waits: [Duration] = []
                            for request in fast.requests {
                                guard let index = Int(request.path.split(separator: "/").last ?? ""), let start = accepted[index] else { continue }
                                waits.append(request.at - start)
                            }
                            waits.sort()
                            #expect(waits.count == 20)
                            let p50 = waits[waits.count / 2], p99 = waits[min(waits.count - 1, waits.count * 99 / 100)]
                            print("fairness (\(driver)): tenant B accepted → delivered p50 \(p50), p99 \(p99), max \(waits.last ?? .zero); tenant A delivered \(Set(slow.requests.map(\.path)).count) of 20000 meanwhile")
                            #expect(waits.allSatisfy { $0 < .seconds(1) }, "every one of B's within 1 s: \(waits)")

                            // A's all arrive too (the hanging receiver's time out, as they must).
                            #expect(await eventually(timeout: .seconds(150), every: .milliseconds(500)) { Set(slow.requests.map(\.path)).count == 20_000 })
                            let arrivals = slow.requests.map(\.at)
                            if let first = arrivals.min(), let last = arrivals.max(), last > first {
                                let seconds = (last - first) / .seconds(1)
                                print("fairness (\(driver)): tenant A's 20,000 to the 200 ms receiver at \(Int(Double(arrivals.count) / seconds))/s")
                            }
                        }
                    }
                }
            }
        }
    }
}
