public import Foundation
public import HeraldCore

extension EventSubscriptions {
    /// The status event an applied receipt raises: only one that moved its message does (a
    /// late or repeated receipt changes nothing the tenant has not heard).
    public func event(for applied: AppliedReceipt, now: Date) -> Message? {
        guard case .moved = applied.effect else { return nil }
        return statusEvent(for: applied.message, now: now)
    }
}
