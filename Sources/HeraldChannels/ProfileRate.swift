import HeraldCore

/// A profile's own sending rate: the channel's default, or the profile's `rate` (messages or
/// segments a second) and `burst`, or its `delay` between sends (rate 1/delay, burst 1: the
/// bailout sender's "delay between sends").
enum ProfileRate {
    /// The settings every channel's profiles accept.
    static let settings: Set<String> = ["rate", "burst", "delay"]

    /// The profile's bucket, keyed by the profile (the message's ``Message/throttleKey``); a
    /// `nil` `defaultRate` leaves a profile that sets none without a limit of its own.
    static func bucket(for request: DeliveryRequest, defaultRate: Double?, defaultBurst: Double? = nil, cost: Double = 1) -> RateLimit? {
        guard let profile = request.profile else { return nil }
        let key = Message.profileThrottleKey(profile.id)
        if let delay = profile.setting("delay").flatMap(DurationText.parse), delay > .zero {
            return RateLimit(key: key, rate: 1 / delay.seconds, burst: 1, cost: cost)
        }
        let rate = number(profile.config["rate"]) ?? defaultRate
        let burst = number(profile.config["burst"]) ?? defaultBurst ?? max(1, rate ?? 1)
        return RateLimit(key: key, rate: rate, burst: burst, cost: cost)
    }

    /// Problems with `rate`, `burst` and `delay`.
    static func problems(in config: [String: JSONValue]) -> [FieldProblem] {
        var problems: [FieldProblem] = []
        if let value = config["rate"], !(number(value).map { $0 > 0 && $0 <= 1_000_000 } ?? false) {
            problems.append(FieldProblem(field: "config.rate", code: "invalid_rate", problem: "must be a number of sends a second above 0 (such as 80 or 0.5)"))
        }
        if let value = config["burst"], !(number(value).map { $0 >= 1 && $0 <= 1_000_000 } ?? false) {
            problems.append(FieldProblem(field: "config.burst", code: "invalid_burst", problem: "must be a number of sends of at least 1"))
        }
        if let value = config["delay"] {
            let delay = value.stringValue.flatMap(DurationText.parse)
            if !(delay.map { $0 > .zero && $0 <= .seconds(86400) } ?? false) {
                problems.append(FieldProblem(field: "config.delay", code: "invalid_duration", problem: "must be a duration between sends such as 1s or 250ms"))
            }
        }
        return problems
    }

    /// A positive number given as a JSON number or as text.
    static func number(_ value: JSONValue?) -> Double? {
        switch value {
        case .integer(let number)?: Double(number)
        case .number(let number)?: number
        case .string(let text)?: Double(text)
        default: nil
        }
    }
}
