public import AsyncHTTPClient
import Foundation
public import HeraldCore
import NIOCore
import NIOHTTP1

/// Sends WhatsApp messages through the Cloud API: `POST {base_url}/{api_version}/{phone_number_id}/messages`
/// with the profile's bearer token, a text for `content` or a template for `template`. The
/// answer's `messages[0].id` (`wamid.…`) is the provider id; errors are classified by their
/// Graph error code (``WhatsAppErrorTable``), not the HTTP status.
public struct WhatsAppChannel: DeliveryChannel {
    public let name = "whatsapp"
    public let retryPolicy: RetryPolicy
    public var providerIDField: String? { "whatsapp_message_id" }
    public var requiresProfile: Bool { true }
    public var secretProfileFields: Set<String> { ["access_token", "app_secret"] }
    public var timeout: Duration { configuration.timeout }
    private let client: HTTPClient
    private let outbound: OutboundGuard
    private let configuration: WhatsAppConfiguration
    private let clock: any WallClock

    /// The longest text WhatsApp takes.
    static let maxTextLength = 4096

    /// - Parameters:
    ///   - client: the shared HTTP client; the caller owns and shuts it down.
    public init(
        client: HTTPClient, outbound: OutboundGuard = OutboundGuard(), configuration: WhatsAppConfiguration, retryPolicy: RetryPolicy,
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
        switch reader.identifier("phone_number_id") {
        case nil where reader.problems.isEmpty: reader.report(ProfileFields.missing("phone_number_id", "the WhatsApp Business phone number's id"))
        case let id? where id.isEmpty || !id.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }):
            reader.report(FieldProblem(field: "config.phone_number_id", code: "invalid_id", problem: "must be the numeric phone number id Meta shows"))
        default: break
        }
        if reader.string("access_token")?.isEmpty ?? true, !reader.problems.contains(where: { $0.field == "config.access_token" }) {
            reader.report(ProfileFields.missing("access_token", "a system user or app access token"))
        }
        _ = reader.string("app_secret")
        for shared in ["app_id", "business_account_id"] {
            if let id = reader.identifier(shared), id.isEmpty || !id.allSatisfy(\.isNumber) {
                reader.report(FieldProblem(field: "config.\(shared)", code: "invalid_id", problem: "must be the numeric id Meta shows"))
            }
        }
        if let version = reader.string("api_version"), !Self.isVersion(version) {
            reader.report(FieldProblem(field: "config.api_version", code: "invalid_version", problem: "must look like v26.0"))
        }
        if let base = reader.string("base_url") {
            if let problem = ProfileFields.baseURLProblem(base) ?? outbound.policy.problem(field: "config.base_url", url: base) { reader.report(problem) }
        }
        return reader.problems + ProfileRate.problems(in: config) + ProfileFields.unknown(
            in: config,
            known: ["phone_number_id", "access_token", "app_secret", "api_version", "base_url", "app_id", "business_account_id"]
                .reduce(into: ProfileRate.settings) { $0.insert($1) }
        )
    }

    public func prepare(_ draft: MessageDraft, profile: SenderProfile?) throws(HeraldError) -> MessageDraft {
        var draft = draft
        var problems = [PhoneNumber.normalizeRecipient(of: &draft, missing: "a WhatsApp message needs a recipient phone number")].compactMap { $0 }
        if let template = draft.template?.objectValue {
            problems += Self.templateProblems(template)
        } else if let problem = TextContent.problem(draft.content, limit: Self.maxTextLength, missing: "give content (a text) or template") {
            problems.append(problem)
        }
        guard problems.isEmpty else { throw .validation(problems) }
        draft.destination = Destination.of(url: baseURL(profile))
        return draft
    }

    public func rehearse(_ request: DeliveryRequest) -> Rehearsal {
        let body = String(decoding: WhatsAppRequestBody.make(for: request.message), as: UTF8.self)
        return Rehearsal(
            summary: "POST \(endpoint(request.profile)) \(body)",
            logLine: "[DRY RUN] Would send WhatsApp message \(request.message.id) to \(request.message.recipient ?? "") "
                + "from phone number \(request.profile?.setting("phone_number_id") ?? "?")"
        )
    }

    public func send(_ delivery: DeliveryRequest) async -> DeliveryReport {
        guard let profile = delivery.profile, let token = profile.setting("access_token") else {
            return DeliveryReport(outcome: .failed(reason: "the message's WhatsApp profile is gone or has no access_token"))
        }
        var request = HTTPClientRequest(url: endpoint(profile))
        request.method = .POST
        request.headers.add(name: "authorization", value: "Bearer \(token)")
        request.headers.add(name: "content-type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: WhatsAppRequestBody.make(for: delivery.message)))
        return await ProviderHTTP.deliver(request, client: client, outbound: outbound, timeout: configuration.timeout) { self.classify($0, profile: profile) }
    }

    /// The profile's own bucket (80 messages a second by default: the Cloud API's default
    /// throughput), the buckets Meta shares between numbers (error 4 per app with `app_id`,
    /// 80007 per business account with `business_account_id`; no limit until Meta throttles),
    /// and one message per 6 s to a user from one number, bursts of 45 (Meta's pair rate limit,
    /// error 131056).
    public func rateLimits(for request: DeliveryRequest) -> RateLimitPlan {
        guard let profile = request.profile, let bucket = ProfileRate.bucket(for: request, defaultRate: configuration.rate) else { return .none }
        var buckets = [bucket]
        if let app = Self.appKey(profile) { buckets.append(.shared(app)) }
        if let account = Self.businessAccountKey(profile) { buckets.append(.shared(account)) }
        let number = profile.setting("phone_number_id") ?? profile.id.rawValue
        let pacing = request.message.recipient.map {
            RecipientPacing(key: "whatsapp:\(number)|\($0)", interval: configuration.pairInterval, burst: configuration.pairBurst)
        }
        return RateLimitPlan(buckets: buckets, pacing: pacing)
    }

    static func appKey(_ profile: SenderProfile) -> String? { profile.setting("app_id").map { "whatsapp-app:\($0)" } }

    static func businessAccountKey(_ profile: SenderProfile) -> String? {
        profile.setting("business_account_id").map { "whatsapp-waba:\($0)" }
    }

    /// `GET {base}/{version}/{phone_number_id}`: Meta answers the number's name and quality when the token may use it.
    public func checkCredentials(_ profile: SenderProfile) async -> CredentialCheck {
        guard let id = profile.setting("phone_number_id"), let token = profile.setting("access_token") else {
            return CredentialCheck(ok: false, detail: "the profile has no phone_number_id or access_token")
        }
        var request = HTTPClientRequest(url: ProviderHTTP.url(baseURL(profile), "/\(apiVersion(profile))/\(id)"))
        request.headers.add(name: "authorization", value: "Bearer \(token)")
        return await ProviderHTTP.check(
            request, client: client, outbound: outbound, timeout: configuration.timeout, provider: "the Graph API",
            accepted: { json in
                "phone number \(json?["display_phone_number"]?.stringValue ?? "?") (\(json?["verified_name"]?.stringValue ?? "?")) answered"
            },
            refused: { answer in GraphError(answer.json)?.reason ?? "HTTP \(answer.status)" }
        )
    }

    func classify(_ answer: ProviderAnswer, profile: SenderProfile? = nil) -> DeliveryOutcome {
        let json = answer.json
        if (200..<300).contains(answer.status) {
            guard case .array(let messages)? = json?["messages"], let id = messages.first?.objectValue?["id"]?.stringValue else {
                return .failed(reason: "the Graph API answered \(answer.status) without messages[0].id")
            }
            return .sent(providerMessageID: id)
        }
        let retryAfter = answer.retryAfter.flatMap { RetryAfter.parse($0, now: clock.now()) }
        let error = GraphError(json)
        let outcome = configuration.errorTable.outcome(status: answer.status, error: error, retryAfter: retryAfter)
        // A limit Meta shares between numbers slows every number that shares it.
        if case .throttled(let reason, let after, nil) = outcome, let profile {
            switch error?.code {
            case 4?: if let app = Self.appKey(profile) { return .throttled(reason: reason, after: after, limit: app) }
            case 80007?: if let account = Self.businessAccountKey(profile) { return .throttled(reason: reason, after: after, limit: account) }
            default: break
            }
        }
        return outcome
    }

    private func endpoint(_ profile: SenderProfile?) -> String {
        ProviderHTTP.url(baseURL(profile), "/\(apiVersion(profile))/\(profile?.setting("phone_number_id") ?? "")/messages")
    }

    private func baseURL(_ profile: SenderProfile?) -> String {
        profile?.setting("base_url") ?? configuration.baseURL
    }

    private func apiVersion(_ profile: SenderProfile?) -> String {
        profile?.setting("api_version") ?? configuration.apiVersion
    }

    static func isVersion(_ text: String) -> Bool {
        guard text.hasPrefix("v"), let number = Double(text.dropFirst()), number > 0 else { return false }
        return text.dropFirst().allSatisfy { $0.isASCII && ($0.isNumber || $0 == ".") }
    }

    private static func templateProblems(_ template: [String: JSONValue]) -> [FieldProblem] {
        var reader = FieldReader(object: template, prefix: "template.")
        if reader.string("name")?.isEmpty ?? true, !reader.problems.contains(where: { $0.field == "template.name" }) {
            reader.report(FieldProblem(field: "template.name", code: "missing", problem: "the approved template's name"))
        }
        if let language = reader.object("language") {
            if language["code"]?.stringValue?.isEmpty ?? true {
                reader.report(FieldProblem(field: "template.language.code", code: "missing", problem: "the template's language, such as en_US"))
            }
        } else if !reader.problems.contains(where: { $0.field == "template.language" }) {
            reader.report(FieldProblem(field: "template.language", code: "missing", problem: "give {\"code\": \"en_US\"}"))
        }
        if let components = template["components"], case .array = components {} else if template["components"] != nil {
            reader.report(FieldProblem(field: "template.components", code: "wrong_type", problem: "must be an array"))
        }
        return reader.problems
    }
}
