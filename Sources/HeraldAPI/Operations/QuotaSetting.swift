import HeraldCore

/// A tenant's quota as answers show it (`NullableQuota` in the document): a message limit per
/// period.
struct QuotaSetting: Codable, Hashable, Sendable {
    var limit: Int
    var period: Quota.Period

    init(_ quota: Quota) {
        limit = quota.limit
        period = quota.period
    }
}
