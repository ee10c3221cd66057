import Foundation
import Synchronization

/// The moments the dispatcher has work coming back on its own — retries, throttled and deferred
/// messages it put back — so it wakes at each instead of polling. Bounded: past
/// ``capacity`` the latest moments are dropped and the poll interval covers them.
final class WakeSchedule: Sendable {
    static let capacity = 4096
    private let moments = Mutex<[Date]>([])

    /// Remembers `moment` (kept sorted).
    /// - Returns: whether it is now the first moment (a sleeping dispatcher must wake sooner).
    @discardableResult
    func add(_ moment: Date) -> Bool {
        moments.withLock { moments in
            var low = 0
            var high = moments.count
            while low < high {
                let middle = (low + high) / 2
                if moments[middle] < moment { low = middle + 1 } else { high = middle }
            }
            if low < moments.count, moments[low] == moment { return false }
            moments.insert(moment, at: low)
            if moments.count > Self.capacity { moments.removeLast() }
            return low == 0
        }
    }

    /// The first moment after `now`; the ones already passed are forgotten.
    func next(after now: Date) -> Date? {
        moments.withLock { moments in
            let passed = moments.prefix { $0 <= now }.count
            moments.removeFirst(passed)
            return moments.first
        }
    }
}
