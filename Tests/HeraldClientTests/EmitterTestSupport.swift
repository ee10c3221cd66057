import Foundation
import HeraldClient
import HeraldTestSupport
import Synchronization

/// Builds emitters over a scripted transport and a manual clock, and moves that clock.
enum EmitterHarness {
    static let server = URL(string: "http://herald.test:8080")!

    static func builder(_ transport: ScriptedTransport, clock: ManualClock) -> BatchEmitter.Builder {
        BatchEmitter.builder().serverURL(server).apiKey("k-test").transport(transport).clock(clock).random { 1 }
    }

    static func message(_ index: Int) -> OutgoingMessage {
        OutgoingMessage(channel: "webhook", url: "https://example.test/hook", content: "m\(index)")
    }

    /// Runs `body` while moving the clock past every wait the emitter starts (a retry's delay),
    /// so delays pass without sleeping; gives up after 20 s of real time.
    static func movingTime(_ clock: ManualClock, step: Duration = .seconds(61), _ body: @Sendable () async -> Void) async {
        let done = Flag()
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                let deadline = ContinuousClock.now + .seconds(20)
                while !done.isSet, ContinuousClock.now < deadline {
                    if clock.sleeperCount > 0 { clock.advance(by: step) }
                    try? await Task.sleep(for: .milliseconds(2))
                }
            }
            await body()
            done.set()
            await group.waitForAll()
        }
    }
}

/// A flag one task sets and another reads.
final class Flag: Sendable {
    private let value = Mutex(false)
    var isSet: Bool { value.withLock { $0 } }
    func set() { value.withLock { $0 = true } }
}
