import AsyncHTTPClient
import Foundation
import HeraldChannels
import HeraldCore
import Logging
import NIOCore
import NIOHTTP1
public import ServiceLifecycle

/// Sends the providers' signed status callbacks for what a provider sink accepted, each
/// ``ProviderSinkOptions/callbackDelay`` after the one before: WhatsApp's `sent`, `delivered`,
/// `read` (or `failed` with the staged code) to the callback URL, signed `X-Hub-Signature-256`
/// with the app secret, naming the phone number id the send's path named; Twilio's `sent`,
/// `delivered` (or `undelivered` / `failed` with `ErrorCode`) to the send's own `StatusCallback`,
/// signed `X-Twilio-Signature` with the auth token over that exact URL. A ``Service``: it runs
/// beside the sink's HTTP server and stops with it.
public final class ProviderCallbacks: Service, Sendable {
    /// One accepted send's callbacks to come.
    enum Job: Sendable {
        case whatsApp(phoneNumberID: String, messageID: String, recipient: String, failCode: Int?)
        case twilio(statusCallback: String, sid: String, accountSid: String, from: String?, to: String, failCode: Int?)
    }

    private let options: ProviderSinkOptions
    private let log: ReceivedLog
    private let logger: Logger
    private let jobs: AsyncStream<Job>
    private let continuation: AsyncStream<Job>.Continuation

    init(options: ProviderSinkOptions, log: ReceivedLog, logger: Logger) {
        self.options = options
        self.log = log
        self.logger = logger
        (jobs, continuation) = AsyncStream<Job>.makeStream()
    }

    func schedule(_ job: Job) {
        continuation.yield(job)
    }

    public func run() async throws {
        await withDiscardingTaskGroup { group in
            await withGracefulShutdownHandler {
                for await job in jobs.cancelOnGracefulShutdown() {
                    group.addTask { await self.send(job) }
                }
            } onGracefulShutdown: {
                self.continuation.finish()
            }
            group.cancelAll()
        }
    }

    private func send(_ job: Job) async {
        switch job {
        case .whatsApp(let phoneNumberID, let messageID, let recipient, let failCode):
            guard let url = options.callbackURL, let secret = options.appSecret else { return }
            let statuses: [(String, Int?)] = failCode.map { [("failed", $0)] } ?? [("sent", nil), ("delivered", nil), ("read", nil)]
            for (status, code) in statuses {
                guard await pause() else { return }
                let body = Self.whatsAppBody(phoneNumberID: phoneNumberID, messageID: messageID, recipient: recipient, status: status, failCode: code)
                await post(url, body: body, contentType: "application/json", headers: [
                    ("X-Hub-Signature-256", WhatsAppCallback.signature(body: Array(body.utf8), secret: secret)),
                ])
            }
        case .twilio(let statusCallback, let sid, let accountSid, let from, let to, let failCode):
            guard let authToken = options.authToken else { return }
            var statuses: [(String, Int?)] = [("sent", nil)]
            statuses.append(failCode.map { (ProviderErrors.twilioFailureStatus($0), $0) } ?? ("delivered", nil))
            for (status, code) in statuses {
                guard await pause() else { return }
                var fields = [
                    ("MessageSid", sid), ("SmsSid", sid), ("AccountSid", accountSid), ("MessageStatus", status), ("SmsStatus", status),
                    ("To", to), ("ApiVersion", "2010-04-01"),
                ]
                if let from { fields.append(("From", from)) }
                if let code { fields.append(("ErrorCode", String(code))) }
                let body = FormBody.encode(fields)
                await post(statusCallback, body: body, contentType: "application/x-www-form-urlencoded", headers: [
                    ("X-Twilio-Signature", TwilioCallback.signature(url: statusCallback, parameters: fields, authToken: authToken)),
                ])
            }
        }
    }

    /// - Returns: `false` when cancelled meanwhile.
    private func pause() async -> Bool {
        (try? await Task.sleep(for: options.callbackDelay)) != nil
    }

    private func post(_ url: String, body: String, contentType: String, headers: [(String, String)]) async {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "content-type", value: contentType)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(string: body))
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
            _ = try await response.body.collect(upTo: 1 << 20)
            let ok = (200..<300).contains(Int(response.status.code))
            log.callback(sent: ok)
            if !ok { logger.warning("status callback refused", metadata: ["url": "\(url)", "status": "\(response.status.code)"]) }
        } catch {
            log.callback(sent: false)
            logger.warning("status callback failed", metadata: ["url": "\(url)", "error": "\(error)"])
        }
    }

    /// A WhatsApp Business Account webhook with one status, as Meta posts it.
    static func whatsAppBody(phoneNumberID: String, messageID: String, recipient: String, status: String, failCode: Int?) -> String {
        var entry: [String: JSONValue] = [
            "id": .string(messageID), "status": .string(status), "recipient_id": .string(recipient),
            "timestamp": .string(String(Int(Date().timeIntervalSince1970))),
        ]
        if status != "failed" {
            entry["conversation"] = .object(["id": .string("conv-" + phoneNumberID), "origin": .object(["type": .string("service")])])
            entry["pricing"] = .object(["billable": .bool(true), "pricing_model": .string("CBP"), "category": .string("service")])
        }
        if let failCode {
            let title = ProviderErrors.graph(failCode).title
            entry["errors"] = .array([.object([
                "code": .integer(Int64(failCode)), "title": .string(title), "message": .string(title),
                "error_data": .object(["details": .string("\(title) (staged by herald sink)")]),
            ])])
        }
        let value: JSONValue = .object([
            "messaging_product": .string("whatsapp"),
            "metadata": .object(["display_phone_number": .string("15550100"), "phone_number_id": .string(phoneNumberID)]),
            "statuses": .array([.object(entry)]),
        ])
        let body: JSONValue = .object([
            "object": .string("whatsapp_business_account"),
            "entry": .array([.object(["id": .string("waba-" + phoneNumberID), "changes": .array([.object(["value": value, "field": .string("messages")])])])]),
        ])
        return body.jsonText
    }
}
