import HeraldCore

/// How WhatsApp Cloud API error codes are treated: the one table, overridable in the
/// configuration. Meta sends most errors with HTTP 400, so the code decides, not the status.
public struct WhatsAppErrorTable: Sendable, Hashable {
    /// What an error code means for the message.
    public enum Treatment: String, Sendable, Hashable, CaseIterable {
        /// A throughput or rate limit: wait and try again, outside the retry budget.
        case throttle
        /// A passing failure: retry within the retry budget.
        case retry
        /// Retrying would not help: fail at once.
        case fail
    }

    public var codes: [Int: Treatment]

    public init(codes: [Int: Treatment]) {
        self.codes = codes
    }

    /// Meta's documented codes: throughput and rate limits (130429, 131056; 4 per app, 80007 per
    /// business account) throttle; transient errors (1, 2, 131000, 131016, 131057, 133004) retry;
    /// bad parameters, permissions, undeliverable or unregistered recipients, the 24-hour window,
    /// templates, payment, locked accounts and bad tokens fail, and so do 131048 and 131049
    /// (spam limit; not delivered to keep engagement healthy), which must not be retried soon.
    public static let standard = WhatsAppErrorTable(codes: Dictionary(uniqueKeysWithValues:
        [4, 80007, 130429, 131056].map { ($0, Treatment.throttle) }
            + [1, 2, 131000, 131016, 131057, 133004].map { ($0, Treatment.retry) }
            + [
                10, 100, 190, 200, 368, 131026, 131031, 131042, 131047, 131048, 131049, 132000, 132001, 132005, 132007,
                132012, 132015, 132016, 133010,
            ].map { ($0, Treatment.fail) }
    ))

    /// The outcome of a Graph error answer: the code's treatment when the table lists it, else
    /// the status's.
    /// - Parameters:
    ///   - status: the HTTP status it came with.
    ///   - error: the `error` object, if the body had one.
    ///   - retryAfter: the provider's requested wait, if any.
    func outcome(status: Int, error: GraphError?, retryAfter: Duration?) -> DeliveryOutcome {
        let reason = error?.reason ?? "HTTP \(status)"
        // A listed code decides; without one (no error object, or a code not in the table) the
        // status does: 429 is a rate limit, 5xx passing, anything else final.
        let treatment = error.flatMap { codes[$0.code] } ?? (status == 429 ? .throttle : status >= 500 ? .retry : .fail)
        switch treatment {
        case .throttle: return .throttled(reason: reason, after: retryAfter)
        case .retry: return .retry(reason: reason, after: retryAfter)
        case .fail: return .failed(reason: reason)
        }
    }
}

/// The Graph API's `error` object, as much of it as Herald keeps.
struct GraphError: Sendable, Hashable {
    var code: Int
    var subcode: Int?
    var message: String?
    /// `error_data.details`: Meta's longer explanation.
    var details: String?

    init?(_ body: [String: JSONValue]?) {
        guard case .object(let error)? = body?["error"], let code = error["code"]?.integerValue else { return nil }
        self.code = code
        subcode = error["error_subcode"]?.integerValue
        message = error["message"]?.stringValue.map { StorableText.clean($0, limit: 1024) }
        if case .object(let data)? = error["error_data"] { details = data["details"]?.stringValue.map { StorableText.clean($0, limit: 1024) } }
    }

    /// `failure_reason`: the code, Meta's message and its details (Meta is retiring `title`).
    var reason: String {
        var text = "WhatsApp error \(code)"
        if let subcode { text += " (subcode \(subcode))" }
        if let message { text += ": \(message)" }
        if let details, details != message { text += " — \(details)" }
        return text
    }
}
