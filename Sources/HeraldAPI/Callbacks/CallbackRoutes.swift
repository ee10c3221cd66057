import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HeraldChannels
import HeraldCore
import HeraldDispatcher
import HeraldStore
import Logging
import NIOCore

/// `/api/v1/callbacks/whatsapp` (`GET` verification, `POST` status callbacks) and
/// `/api/v1/callbacks/twilio`: what providers call to report delivery. No API key: each request
/// is authenticated by its signature over the raw body, before anything in it is read; a
/// missing or wrong one is 401 and changes nothing. Receipts for a message not known yet are
/// kept and applied once it is; a receipt for an id Herald never sent is still answered 200
/// (and logged), so the provider does not retry it forever. A callback acts only for the
/// credentials that verified it: a receipt moves only a message sent with a profile whose
/// number (WhatsApp `phone_number_id`) or account (Twilio `AccountSid`) it names and whose
/// secret signed it (``WhatsAppSenders``). Each status change raises its tenant's event in the
/// same transaction; a customer's incoming WhatsApp message becomes a `message.received` event
/// for the tenants whose verified profiles have that business number (stored before the 200,
/// once per wamid however often Meta repeats the callback).
struct CallbackRoutes: Sendable {
    static let whatsAppPath = "/api/v1/callbacks/whatsapp"
    static let twilioPath = "/api/v1/callbacks/twilio"

    let store: any HeraldStore
    let settings: CallbackSettings
    let limiter: RateLimiterRegistry
    let events: TenantDeliveryDirectory
    let clock: any WallClock
    let logger: Logger
    /// Each channel's profiles, for their callback secrets, read at most every few seconds.
    let profiles = ReadThroughCache<String, [SenderProfile]>(ttl: .seconds(5))

    func register(on router: Router<HeraldRequestContext>) {
        router.get("api/v1/callbacks/whatsapp", use: verifyWhatsApp)
        router.post("api/v1/callbacks/whatsapp", use: receiveWhatsApp)
        router.post("api/v1/callbacks/twilio", use: receiveTwilio)
    }

    /// Meta's subscription check: `hub.mode=subscribe` and the configured verify token give back
    /// `hub.challenge` as plain text.
    @Sendable func verifyWhatsApp(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        guard let expected = settings.whatsAppVerifyToken, !expected.isEmpty,
              query.get("hub.mode") == "subscribe",
              let token = query.get("hub.verify_token"), Self.constantTimeEqual(token, expected),
              let challenge = query.get("hub.challenge")
        else {
            logger.warning("refused a WhatsApp webhook verification: wrong or missing hub.verify_token or hub.mode")
            throw APIError(.forbidden, code: "verification_failed", message: "hub.mode must be subscribe and hub.verify_token the configured whatsapp.verify_token")
        }
        return Response(
            status: .ok, headers: [.contentType: "text/plain; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: challenge))
        )
    }

    @Sendable func receiveWhatsApp(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        try admit("whatsapp")
        let body = try await read(request)
        let senders = WhatsAppSenders(profiles: try await profiles(of: "whatsapp"), serverSecret: settings.whatsAppAppSecret)
        let signedWith = senders.signingSecrets(body: body, header: request.headers[Self.hubSignature])
        guard !signedWith.isEmpty else {
            throw Self.badSignature("X-Hub-Signature-256 must be sha256= and the HMAC-SHA256 of the body with the app secret")
        }
        guard let content = WhatsAppCallback.parse(body) else {
            throw APIError.invalidJSON("the callback body is not a JSON object")
        }
        // Judged value by value: each speaks for one business number.
        var receipts: [Receipt] = []
        var incoming: [(message: IncomingMessage, tenants: Set<TenantID>)] = []
        var verifiedAny = content.values.isEmpty
        for value in content.values {
            let number = value.phoneNumberID
            switch senders.verdict(phoneNumberID: number, signedWith: signedWith) {
            case .profiles(let profiles):
                verifiedAny = true
                receipts += value.receipts.map { $0.verified(for: number, profiles: profiles.map(\.id)) }
                incoming += value.incoming.map { ($0, Set(profiles.map(\.tenantID))) }
            case .unclaimed:
                verifiedAny = true
                incoming += value.incoming.map { ($0, [TenantID.default]) }
                if !value.receipts.isEmpty {
                    logger.notice("WhatsApp receipts for a number no profile has; nothing was sent from it", metadata: [
                        "phone_number_id": "\(number ?? "?")", "count": "\(value.receipts.count)",
                    ])
                }
            case .unverified:
                logger.warning("skipped a WhatsApp callback value: its signature is not by an app secret of its number's profiles", metadata: [
                    "phone_number_id": "\(number ?? "?")", "receipts": "\(value.receipts.count)", "incoming": "\(value.incoming.count)",
                ])
            }
        }
        guard verifiedAny else {
            throw Self.badSignature("X-Hub-Signature-256 must be signed with the app secret of the profile whose phone_number_id the callback names")
        }
        try await apply(receipts, provider: "WhatsApp")
        try await pass(incoming)
        return Self.ok
    }

    /// Stores a `message.received` event for each incoming message, for the tenants its value
    /// was verified for.
    private func pass(_ incoming: [(message: IncomingMessage, tenants: Set<TenantID>)]) async throws {
        guard !incoming.isEmpty else { return }
        let subscriptions = try await events.subscriptions()
        let now = clock.now()
        var byTenant: [TenantID: [Message]] = [:]
        for (message, tenants) in incoming {
            for tenant in tenants.sorted(by: { $0.rawValue < $1.rawValue }) {
                guard let url = subscriptions.urls[tenant] else {
                    logger.info("incoming WhatsApp message acknowledged; its tenant takes no events", metadata: [
                        "tenant": "\(tenant)", "to_number": "\(message.businessNumber ?? "?")", "id": "\(message.providerMessageID ?? "?")",
                    ])
                    continue
                }
                byTenant[tenant, default: []].append(MessageEvent.make(
                    .received, tenant: tenant, url: url, data: message.eventData,
                    idempotencyKey: message.providerMessageID.map { "whatsapp-received:\($0)" }, now: now
                ))
            }
        }
        for (tenant, events) in byTenant {
            _ = try await store.enqueue(events)
            logger.info("incoming WhatsApp messages passed on as events", metadata: ["tenant": "\(tenant)", "count": "\(events.count)"])
        }
    }

    @Sendable func receiveTwilio(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        try admit("twilio")
        let body = try await read(request)
        let parameters = FormBody.parse(body)
        let fields = Dictionary(parameters, uniquingKeysWith: { first, _ in first })
        let url = calledURL(request)
        let account = fields["AccountSid"]
        let signature = request.headers[Self.twilioSignature]
        // The profiles of the account the callback names whose auth token signed it.
        let verified = try await profiles(of: "twilio").filter { profile in
            guard let account, profile.setting("account_sid") == account, let token = profile.setting("auth_token") else { return false }
            return TwilioCallback.signatureMatches(url: url, parameters: parameters, header: signature, authToken: token)
        }
        guard !verified.isEmpty else {
            throw Self.badSignature("X-Twilio-Signature must be Twilio's signature of \(url) with the auth token of the profile whose account_sid is AccountSid")
        }
        if let receipt = TwilioCallback.receipt(fields, receivedAt: clock.now()) {
            try await apply([receipt.verified(for: account, profiles: verified.map(\.id))], provider: "Twilio")
        }
        return Self.ok
    }

    private func apply(_ receipts: [Receipt], provider: String) async throws {
        guard !receipts.isEmpty else { return }
        let results = try await store.applyReceipts(receipts, now: clock.now(), events: try await events.subscriptions())
        for (receipt, result) in zip(receipts, results) {
            switch result {
            case .applied(let message, .moved(let from, let to)):
                logger.info("receipt applied", metadata: ["message": "\(message.id)", "from": "\(from.rawValue)", "to": "\(to.rawValue)"])
            case .applied(let message, .recordedLate):
                logger.info("late receipt kept in the history", metadata: ["message": "\(message.id)", "status": "\(receipt.status.rawValue)"])
            case .applied(_, .duplicate):
                break
            case .pending:
                logger.notice("receipt for an unknown message; kept to apply when it is known", metadata: [
                    "provider": "\(provider)", "provider_message_id": "\(receipt.providerMessageID)", "status": "\(receipt.status.rawValue)",
                ])
            }
        }
    }

    /// The URL Twilio called: `app.public_url` (or the request's host) with the path and query.
    private func calledURL(_ request: Request) -> String {
        let base: String
        if let publicURL = settings.publicURL {
            base = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        } else {
            let scheme = request.headers[Self.forwardedProto] ?? "http"
            base = "\(scheme)://\(request.head.authority ?? "localhost")"
        }
        return base + request.uri.description
    }

    private func profiles(of channel: String) async throws -> [SenderProfile] {
        try await profiles.value(for: channel) { try await store.profiles(channel: channel) }
    }

    /// Each route takes ``CallbackSettings/rate`` requests a second (bursts of twice that).
    private func admit(_ route: String) throws {
        let limit = RateLimit(key: "callbacks:\(route)", rate: settings.rate, burst: settings.rate * 2)
        if let retry = limiter.tryAcquire(limit, now: clock.now()) {
            let seconds = max(1, Int(retry.timeIntervalSince(clock.now()).rounded(.up)))
            throw APIError(.tooManyRequests, code: "rate_limited", message: "too many callbacks; try again in \(seconds) s", headers: [.retryAfter: "\(seconds)"])
        }
    }

    private func read(_ request: Request) async throws -> [UInt8] {
        do {
            return Array(try await request.body.collect(upTo: settings.maxBodyBytes).readableBytesView)
        } catch is NIOTooManyBytesError {
            throw APIError.bodyTooLarge(limit: settings.maxBodyBytes)
        }
    }

    private static func badSignature(_ message: String) -> APIError {
        APIError(.unauthorized, code: "invalid_signature", message: message)
    }

    /// Compares digests (swift-crypto's comparison is constant-time), so neither the length
    /// nor the first differing byte shows in the time taken.
    private static func constantTimeEqual(_ lhs: String, _ rhs: String) -> Bool {
        SHA256.hash(data: Data(lhs.utf8)) == SHA256.hash(data: Data(rhs.utf8))
    }

    private static let ok = JSONResponse.make(status: .ok, json: .object(["received": .bool(true)]))
    private static let hubSignature = HTTPField.Name("X-Hub-Signature-256")!
    private static let twilioSignature = HTTPField.Name("X-Twilio-Signature")!
    private static let forwardedProto = HTTPField.Name("X-Forwarded-Proto")!
}
