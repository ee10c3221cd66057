/// How a channel classified one attempt's answer. Channels return it; they never throw for an
/// answer they understood.
public enum DeliveryOutcome: Sendable, Hashable {
    /// Accepted by the provider, with its id for the message when it gives one.
    case sent(providerMessageID: String?)
    /// A passing failure; `after` is the provider's requested wait (`Retry-After`), if any.
    /// `throttled` when the provider asked to slow down (429) or did not answer in time, for
    /// which ``RetryPolicy/minimumThrottledDelay`` applies.
    case retry(reason: String, after: Duration?, throttled: Bool = false)
    /// The provider's rate limit for the sender: try again later without using up the message's
    /// retry budget (``RetryPolicy/throttledDelay(afterThrottles:)``, bounded by
    /// ``RetryPolicy/maxThrottledWait``). `after` is the provider's requested wait, if any;
    /// `limit` the key of the ``RateLimit`` the provider's answer is about (its rate is lowered
    /// for a while), `nil` for the message's own profile.
    case throttled(reason: String, after: Duration?, limit: String? = nil)
    /// A permanent failure: retrying would not help.
    case failed(reason: String)
}

/// What a channel reports about one attempt: the outcome and the details kept in the delivery log.
public struct DeliveryReport: Sendable, Hashable {
    public var outcome: DeliveryOutcome
    public var httpStatus: Int?
    public var responseExcerpt: String?

    public init(outcome: DeliveryOutcome, httpStatus: Int? = nil, responseExcerpt: String? = nil) {
        self.outcome = outcome
        self.httpStatus = httpStatus
        self.responseExcerpt = responseExcerpt
    }
}
