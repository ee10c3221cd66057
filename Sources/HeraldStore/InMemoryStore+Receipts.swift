public import Foundation
public import HeraldCore
import Synchronization

extension InMemoryStore {
    public func applyReceipts(_ receipts: [Receipt], now: Date, events: EventSubscriptions) async throws -> [ReceiptResult] {
        let results: [ReceiptResult] = state.withLock { state in
            receipts.map { receipt in
                guard let applied = Self.apply(receipt, now: now, events: events, &state) else {
                    state.pendingReceipts.append((receipt, now))
                    return .pending
                }
                return .applied(applied.message, applied.effect)
            }
        }
        if !events.urls.isEmpty { workSignal.signal() }
        return results
    }

    public func applyPendingReceipts(now: Date, maxAge: Duration, events: EventSubscriptions) async throws -> PendingReceiptsRun {
        let run: PendingReceiptsRun = state.withLock { state in
            var run = PendingReceiptsRun()
            var kept: [(receipt: Receipt, receivedAt: Date)] = []
            for pending in state.pendingReceipts {
                if let applied = Self.apply(pending.receipt, now: now, events: events, &state) {
                    run.applied.append(applied)
                } else if pending.receivedAt.adding(maxAge) < now {
                    run.expired += 1
                } else {
                    kept.append(pending)
                }
            }
            state.pendingReceipts = kept
            return run
        }
        if !run.applied.isEmpty, !events.urls.isEmpty { workSignal.signal() }
        return run
    }

    public func reservePacing(_ requests: [RecipientPacing], now: Date) async throws -> [Date] {
        state.withLock { state in
            var slots = [Date](repeating: now, count: requests.count)
            for group in PacingSchedule.grouped(requests) {
                let reserved = PacingSchedule.reserve(
                    tat: state.pacing[group.pacing.key], count: group.positions.count, pacing: group.pacing, now: now
                )
                state.pacing[group.pacing.key] = reserved.tat
                for (position, slot) in zip(group.positions, reserved.slots) { slots[position] = slot }
            }
            return slots
        }
    }

    private static func apply(_ receipt: Receipt, now: Date, events: EventSubscriptions, _ state: inout State) -> AppliedReceipt? {
        guard let message = state.messages.values.first(where: receipt.mayApply(to:)) else { return nil }
        let (updated, effect) = message.applying(receipt, receivedAt: now)
        state.messages[message.id] = updated
        let applied = AppliedReceipt(receipt: receipt, message: updated, effect: effect)
        if let event = events.event(for: applied, now: now) { state.messages[event.id] = event }
        return applied
    }
}
