public import AsyncHTTPClient
import Foundation
public import HeraldCore
import NIOCore
import NIOHTTP1

/// Sends SMS through Twilio's Messages API: `POST {base_url}/2010-04-01/Accounts/{account_sid}/Messages.json`,
/// HTTP basic auth, form-encoded `To`, `From` or `MessagingServiceSid`, `Body` and (with
/// `app.public_url`) `StatusCallback`. The answer's `sid` is the provider id.
public struct TwilioChannel: DeliveryChannel {
    public let name = "twilio"
    public let retryPolicy: RetryPolicy
    public var requiresProfile: Bool { true }
    public var secretProfileFields: Set<String> { ["auth_token"] }
    public var timeout: Duration { configuration.timeout }
    private let client: HTTPClient
    private let outbound: OutboundGuard
    private let configuration: TwilioConfiguration
    private let clock: any WallClock

    /// The longest body Twilio takes.
    static let maxBodyLength = 1600
    /// Twilio error codes that mean retrying cannot help: an invalid or unreachable number, an
    /// opted-out recipient, bad credentials.
    static let permanentCodes: Set<Int> = [20003, 21211, 21408, 21610, 21612, 21614]

    public init(
        client: HTTPClient, outbound: OutboundGuard = OutboundGuard(), configuration: TwilioConfiguration, retryPolicy: RetryPolicy,
        clock: any WallClock = SystemWallClock()
    ) {
        self.client = client
        self.outbound = outbound
        self.configuration = configuration
        self.retryPolicy = retryPolicy
        self.clock = clock
    }

    public func checkProfile(_ config: [String: JSONValue]) -> [FieldProblem] {
        var reader = FieldReader(object: config, prefix: "config.")
        switch reader.string("account_sid") {
        case nil where !reader.problems.contains(where: { $0.field == "config.account_sid" }):
            reader.report(ProfileFields.missing("account_sid", "the Twilio account's SID (AC…)"))
        case let sid? where !Self.isSID(sid, prefix: "AC"):
            reader.report(FieldProblem(field: "config.account_sid", code: "invalid_sid", problem: "must be AC followed by 32 hexadecimal digits"))
        default: break
        }
        if reader.string("auth_token")?.isEmpty ?? true, !reader.problems.contains(where: { $0.field == "config.auth_token" }) {
            reader.report(ProfileFields.missing("auth_token", "the account's auth token"))
        }
        let from = reader.string("from")
        let service = reader.string("messaging_service_sid")
        if let from, PhoneNumber.normalize(from) == nil { reader.report(PhoneNumber.problem(field: "config.from", text: from)) }
        if let service, !Self.isSID(service, prefix: "MG") {
            reader.report(FieldProblem(field: "config.messaging_service_sid", code: "invalid_sid", problem: "must be MG followed by 32 hexadecimal digits"))
        }
        if from == nil, service == nil, !reader.problems.contains(where: { $0.field == "config.from" || $0.field == "config.messaging_service_sid" }) {
            reader.report(FieldProblem(field: "config.from", code: "missing", problem: "give from (a phone number) or messaging_service_sid"))
        }
        if let base = reader.string("base_url") {
            if let problem = ProfileFields.baseURLProblem(base) ?? outbound.policy.problem(field: "config.base_url", url: base) { reader.report(problem) }
        }
        if let senders = config["senders"], !(ProfileRate.number(senders).map { $0 >= 1 && $0 == $0.rounded() } ?? false) {
            reader.report(FieldProblem(field: "config.senders", code: "invalid_count", problem: "must be the number of senders in the messaging service (1 or more)"))
        }
        return reader.problems + ProfileRate.problems(in: config) + ProfileFields.unknown(
            in: config,
            known: ["account_sid", "auth_token", "from", "messaging_service_sid", "base_url", "senders"].reduce(into: ProfileRate.settings) { $0.insert($1) }
        )
    }

    public func prepare(_ draft: MessageDraft, profile: SenderProfile?) throws(HeraldError) -> MessageDraft {
        var draft = draft
        var problems = [PhoneNumber.normalizeRecipient(of: &draft, missing: "an SMS needs a recipient phone number")].compactMap { $0 }
        if let problem = TextContent.problem(draft.content, limit: Self.maxBodyLength, missing: "an SMS needs content (its text)") {
            problems.append(problem)
        }
        guard problems.isEmpty else { throw .validation(problems) }
        draft.destination = Destination.of(url: endpoint(profile))
        return draft
    }

    public func rehearse(_ request: DeliveryRequest) -> Rehearsal {
        Rehearsal(
            summary: "POST \(endpoint(request.profile)) \(FormBody.encode(form(for: request)))",
            logLine: "[DRY RUN] Would send SMS \(request.message.id) to \(request.message.recipient ?? "") through Twilio"
        )
    }

    public func send(_ delivery: DeliveryRequest) async -> DeliveryReport {
        guard let profile = delivery.profile, let sid = profile.setting("account_sid"), let token = profile.setting("auth_token") else {
            return DeliveryReport(outcome: .failed(reason: "the message's Twilio profile is gone or has no credentials"))
        }
        var request = HTTPClientRequest(url: endpoint(profile))
        request.method = .POST
        request.headers.add(name: "authorization", value: Self.basicAuthorization(sid, token))
        request.headers.add(name: "content-type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "accept", value: "application/json")
        request.body = .bytes(ByteBuffer(string: FormBody.encode(form(for: delivery))))
        return await ProviderHTTP.deliver(request, client: client, outbound: outbound, timeout: configuration.timeout) { self.classify($0, profile: profile) }
    }

    /// `GET {base}/2010-04-01/Accounts/{sid}.json`: Twilio answers the account when the credentials are right.
    public func checkCredentials(_ profile: SenderProfile) async -> CredentialCheck {
        guard let sid = profile.setting("account_sid"), let token = profile.setting("auth_token") else {
            return CredentialCheck(ok: false, detail: "the profile has no account_sid or auth_token")
        }
        var request = HTTPClientRequest(url: ProviderHTTP.url(baseURL(profile), "/2010-04-01/Accounts/\(sid).json"))
        request.headers.add(name: "authorization", value: Self.basicAuthorization(sid, token))
        return await ProviderHTTP.check(
            request, client: client, outbound: outbound, timeout: configuration.timeout, provider: "Twilio",
            accepted: { json in "account \(json?["friendly_name"]?.stringValue ?? sid) is \(json?["status"]?.stringValue ?? "?")" },
            refused: Self.errorReason
        )
    }

    /// The profile's own bucket, counted in SMS segments: one segment a second per long code
    /// (`from`), or for a messaging service the sum of its senders' (`senders`, default 1) —
    /// unless the profile sets `rate`; and the account's API request limit (error 20429), shared
    /// by every profile of the account, unlimited until Twilio throttles.
    public func rateLimits(for request: DeliveryRequest) -> RateLimitPlan {
        guard let profile = request.profile else { return .none }
        let senders = profile.setting("from") == nil ? ProfileRate.number(profile.config["senders"]) ?? 1 : 1
        let segments = Double(SMSSegments.count(request.message.content ?? ""))
        guard let bucket = ProfileRate.bucket(for: request, defaultRate: configuration.segmentRate * senders, cost: segments) else { return .none }
        var buckets = [bucket]
        if let account = Self.accountKey(profile) { buckets.append(.shared(account)) }
        return RateLimitPlan(buckets: buckets)
    }

    static func accountKey(_ profile: SenderProfile) -> String? { profile.setting("account_sid").map { "twilio-account:\($0)" } }

    func classify(_ answer: ProviderAnswer, profile: SenderProfile? = nil) -> DeliveryOutcome {
        if (200..<300).contains(answer.status) {
            guard let sid = answer.json?["sid"]?.stringValue else {
                return .failed(reason: "Twilio answered \(answer.status) without a sid")
            }
            return .sent(providerMessageID: sid)
        }
        let code = answer.json?["code"]?.integerValue
        let reason = Self.errorReason(answer)
        let retryAfter = answer.retryAfter.flatMap { RetryAfter.parse($0, now: clock.now()) }
        if code == 20429 { return .throttled(reason: reason, after: retryAfter, limit: profile.flatMap(Self.accountKey)) }
        if answer.status == 429 { return .throttled(reason: reason, after: retryAfter) }
        if let code, Self.permanentCodes.contains(code) { return .failed(reason: reason) }
        if answer.status >= 500 { return .retry(reason: reason, after: retryAfter) }
        return .failed(reason: reason)
    }

    /// Twilio's `code` and `message`, kept as the failure reason.
    static func errorReason(_ answer: ProviderAnswer) -> String {
        let json = answer.json
        guard let code = json?["code"]?.integerValue else { return "HTTP \(answer.status)" }
        return "Twilio error \(code): \(json?["message"]?.stringValue.map { StorableText.clean($0, limit: 1024) } ?? "HTTP \(answer.status)")"
    }

    private func form(for delivery: DeliveryRequest) -> [(String, String)] {
        var fields = [("To", delivery.message.recipient ?? "")]
        if let service = delivery.profile?.setting("messaging_service_sid") { fields.append(("MessagingServiceSid", service)) }
        if let from = delivery.profile?.setting("from") { fields.append(("From", PhoneNumber.normalize(from) ?? from)) }
        fields.append(("Body", delivery.message.content ?? ""))
        if let publicURL = configuration.publicURL {
            fields.append(("StatusCallback", ProviderHTTP.url(publicURL, "/api/v1/callbacks/twilio")))
        }
        return fields
    }

    private func endpoint(_ profile: SenderProfile?) -> String {
        ProviderHTTP.url(baseURL(profile), "/2010-04-01/Accounts/\(profile?.setting("account_sid") ?? "")/Messages.json")
    }

    private func baseURL(_ profile: SenderProfile?) -> String {
        profile?.setting("base_url") ?? configuration.baseURL
    }

    static func basicAuthorization(_ user: String, _ password: String) -> String {
        "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()
    }

    static func isSID(_ text: String, prefix: String) -> Bool {
        text.count == 34 && text.hasPrefix(prefix) && text.dropFirst(2).allSatisfy(\.isHexDigit)
    }
}
