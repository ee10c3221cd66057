public import Foundation
import HeraldChannels
public import HTTPTypes
public import Hummingbird
public import Logging
public import ServiceLifecycle
import NIOCore
import Synchronization

/// A local stand-in for the providers, speaking their real wire formats on one HTTP server:
/// the WhatsApp Cloud API (`POST /{version}/{phone_number_id}/messages`, `GET
/// /{version}/{phone_number_id}`, Graph error objects), Twilio's Messages API (`POST
/// /2010-04-01/Accounts/{sid}/Messages.json`, `GET /2010-04-01/Accounts/{sid}.json`, its error
/// JSON) and a bot server's synthetic-event endpoint (any other `POST`). It is what `herald sink
/// --provider …` runs and what Herald's own tests send to.
///
/// Sends are answered from a script (the last reply repeats; `.ok` by default), after the
/// credential checks and staged failures of ``ProviderSinkOptions``; each accepted send has its
/// status callbacks sent by ``callbacks``, which must run beside the server. `GET /stats` and
/// `GET /received` (the last 1,000 requests, credentials masked) say what came in.
public final class ProviderSink: Sendable {
    /// How the next send is answered.
    public enum Reply: Sendable {
        /// The provider's success answer.
        case ok
        /// A Graph API error object: `{"error": {"message", "type", "code", "error_subcode", "error_data": {"details"}, "fbtrace_id"}}`.
        case graphError(code: Int, subcode: Int? = nil, status: Int = 400, message: String = "error")
        /// Twilio's error JSON: `{"code", "message", "more_info", "status"}`.
        case twilioError(code: Int, status: Int = 400, message: String = "error")
        /// A bare status, with `Retry-After` when given.
        case status(Int, retryAfter: String? = nil)
        /// The success answer after a wait.
        case slow(Duration)
        /// The connection closed without an answer.
        case drop
    }

    /// One request as received, credentials and all (``ReceivedLog`` keeps the masked view).
    public struct Recorded: Sendable {
        public var method: HTTPRequest.Method
        public var path: String
        public var headers: HTTPFields
        public var body: Data

        /// The body as form fields, decoded.
        public var form: [String: String] {
            Dictionary(FormBody.parse(Array(body)), uniquingKeysWith: { first, _ in first })
        }
    }

    /// The most requests ``requests`` keeps, the latest.
    static let recordedLimit = 10_000

    public let options: ProviderSinkOptions
    /// Hex put in every id this sink hands out (`wamid.HBgL<tag><n>`, `SM<tag><n>`), so a sink
    /// started again does not repeat ids an earlier run gave; empty: ids are the count alone.
    public let idTag: String
    public let log = ReceivedLog()
    /// Sends the status callbacks; run it beside ``application(host:port:onServerRunning:)``.
    public let callbacks: ProviderCallbacks
    private let logger: Logger
    private let replies: Mutex<[Reply]>
    private let recorded = Mutex<[Recorded]>([])
    private let counter = Atomic<Int>(0)

    public init(
        replies: [Reply] = [.ok], options: ProviderSinkOptions = .init(), idTag: String = "",
        logger: Logger = Logger(label: "herald-sink", factory: { _ in SwiftLogNoOpLogHandler() })
    ) {
        self.idTag = String(idTag.prefix(16))
        self.replies = Mutex(replies)
        self.options = options
        self.logger = logger
        callbacks = ProviderCallbacks(options: options, log: log, logger: logger)
    }

    /// Every request so far (the last 10,000), in order.
    public var requests: [Recorded] { recorded.withLock { $0 } }

    /// Replaces the script.
    public func script(_ replies: [Reply]) {
        self.replies.withLock { $0 = replies }
    }

    /// The sink as a Hummingbird application on `host:port` (port 0 picks a free one, reported
    /// through `onServerRunning`), running `services` (such as ``callbacks``) beside it.
    public func application(
        host: String, port: Int, services: [any Service] = [], onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let router = Router(context: Context.self)
        router.get("stats") { _, _ in SinkServer.jsonResponse(self.log.stats) }
        router.get("received") { _, _ in SinkServer.jsonResponse(self.log.entries) }
        router.post("**") { request, context in try await self.answer(request, context) }
        router.get("**") { request, context in try await self.answer(request, context) }
        return Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "herald-sink"),
            services: services,
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
            logger: logger
        )
    }

    /// The request context, keeping the connection so that `.drop` can close it.
    public struct Context: RequestContext {
        public var coreContext: CoreRequestContextStorage
        let channel: any NIOCore.Channel

        public init(source: ApplicationRequestContextSource) {
            coreContext = .init(source: source)
            channel = source.channel
        }
    }

    private func answer(_ request: Request, _ context: Context) async throws -> Response {
        let body = Data(try await request.body.collect(upTo: 1 << 20).readableBytesView)
        let path = request.uri.path
        recorded.withLock { recorded in
            recorded.append(Recorded(method: request.method, path: path, headers: request.headers, body: body))
            if recorded.count > Self.recordedLimit { recorded.removeFirst(recorded.count - Self.recordedLimit) }
        }
        let response = try await respond(request, context, path: path, body: body)
        log.record(method: request.method.rawValue, path: path, headers: request.headers, body: body, status: response.status.code)
        return response
    }

    private func respond(_ request: Request, _ context: Context, path: String, body: Data) async throws -> Response {
        let segments = path.split(separator: "/").map(String.init)
        let provider = Provider(segments)
        if let refusal = checkCredentials(request, provider: provider, segments: segments) { return refusal }
        if request.method == .get { return account(segments) }
        var stagedFailure: Int?
        if options.failsNow(), let code = options.failCode, provider != .botServer {
            switch options.failMode {
            case .send: return error(code, provider: provider)
            case .callback: stagedFailure = code
            }
        }
        let reply = replies.withLock { replies in replies.count > 1 ? replies.removeFirst() : replies[0] }
        let number = counter.wrappingAdd(1, ordering: .relaxed).newValue
        switch reply {
        case .ok:
            return success(segments, provider: provider, number: number, body: body, failCode: stagedFailure)
        case .drop:
            try await context.channel.close()
            throw CancellationError()
        case .slow(let wait):
            try await Task.sleep(for: wait)
            return success(segments, provider: provider, number: number, body: body, failCode: stagedFailure)
        case .graphError(let code, let subcode, let status, let message):
            return Self.graphError(code: code, subcode: subcode, status: status, message: message)
        case .twilioError(let code, let status, let message):
            return Self.twilioError(code: code, status: status, message: message)
        case .status(let status, let retryAfter):
            var headers: HTTPFields = [:]
            if let retryAfter { headers[.retryAfter] = retryAfter }
            return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(string: "")))
        }
    }

    /// Which provider a path speaks to.
    enum Provider {
        case whatsApp, twilio, botServer

        init(_ segments: [String]) {
            if segments.first == "2010-04-01" {
                self = .twilio
            } else if segments.count >= 2, segments[0].hasPrefix("v"), segments[0].dropFirst().first?.isNumber == true {
                self = .whatsApp
            } else {
                self = .botServer
            }
        }
    }

    /// Graph's error 190 for a wrong bearer token; Twilio's 20003 for wrong basic auth.
    private func checkCredentials(_ request: Request, provider: Provider, segments: [String]) -> Response? {
        let authorization = request.headers[.authorization]
        switch provider {
        case .whatsApp:
            guard let token = options.token, authorization != "Bearer \(token)" else { return nil }
            return Self.graphError(code: 190, subcode: nil, status: 401, message: ProviderErrors.graph(190).title)
        case .twilio:
            guard let authToken = options.authToken else { return nil }
            let sid = segments.count > 2 ? segments[2].replacingOccurrences(of: ".json", with: "") : ""
            let expected = "Basic " + Data("\(sid):\(authToken)".utf8).base64EncodedString()
            guard authorization != expected else { return nil }
            return Self.twilioError(code: 20003, status: 401, message: ProviderErrors.twilio(20003).title)
        case .botServer:
            return nil
        }
    }

    private func error(_ code: Int, provider: Provider) -> Response {
        switch provider {
        case .twilio:
            let (status, title) = ProviderErrors.twilio(code)
            return Self.twilioError(code: code, status: status, message: title)
        case .whatsApp, .botServer:
            let (status, title) = ProviderErrors.graph(code)
            return Self.graphError(code: code, subcode: nil, status: status, message: title)
        }
    }

    private func success(_ segments: [String], provider: Provider, number: Int, body: Data, failCode: Int?) -> Response {
        switch provider {
        case .twilio:
            let sid = "SM" + idTag + String(format: "%0\(32 - idTag.count)x", number)
            let fields = Dictionary(FormBody.parse(Array(body)), uniquingKeysWith: { first, _ in first })
            let account = segments.count > 2 ? segments[2] : ""
            if let statusCallback = fields["StatusCallback"], let to = fields["To"] {
                callbacks.schedule(.twilio(statusCallback: statusCallback, sid: sid, accountSid: account, from: fields["From"], to: to, failCode: failCode))
            }
            return json(201, [
                "sid": sid, "status": "queued", "account_sid": account, "to": fields["To"] ?? "", "from": fields["From"] ?? NSNull(),
                "body": fields["Body"] ?? "", "api_version": "2010-04-01", "error_code": NSNull(), "error_message": NSNull(),
            ])
        case .whatsApp where segments.last == "messages":
            let id = "wamid.HBgL" + idTag.uppercased() + String(number)
            let to = (try? JSONSerialization.jsonObject(with: body) as? [String: Any])?["to"] as? String ?? ""
            let waID = to.filter(\.isNumber)
            callbacks.schedule(.whatsApp(phoneNumberID: segments[1], messageID: id, recipient: waID, failCode: failCode))
            return json(200, [
                "messaging_product": "whatsapp",
                "contacts": [["input": to, "wa_id": waID]],
                "messages": [["id": id]],
            ])
        case .whatsApp, .botServer:
            return json(200, ["ok": true])
        }
    }

    /// Credential checks: a Graph phone number or a Twilio account.
    private func account(_ segments: [String]) -> Response {
        if segments.first == "2010-04-01" {
            return json(200, ["sid": segments.last?.replacingOccurrences(of: ".json", with: "") ?? "", "friendly_name": "Test account", "status": "active"])
        }
        return json(200, ["verified_name": "Test Shop", "display_phone_number": "+1 555-0100", "quality_rating": "GREEN", "id": segments.last ?? ""])
    }

    static func graphError(code: Int, subcode: Int?, status: Int, message: String) -> Response {
        var error: [String: Any] = [
            "message": message, "type": "OAuthException", "code": code,
            "error_data": ["messaging_product": "whatsapp", "details": "details of \(code)"], "fbtrace_id": "A" + randomHex(10),
        ]
        if let subcode { error["error_subcode"] = subcode }
        return jsonResponse(status, ["error": error])
    }

    static func twilioError(code: Int, status: Int, message: String) -> Response {
        jsonResponse(status, ["code": code, "message": message, "more_info": "https://www.twilio.com/docs/errors/\(code)", "status": status])
    }

    private func json(_ status: Int, _ object: [String: Any]) -> Response {
        Self.jsonResponse(status, object)
    }

    static func jsonResponse(_ status: Int, _ object: [String: Any]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data()
        return Response(status: .init(code: status), headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func randomHex(_ count: Int) -> String {
        String((0..<count).map { _ in "0123456789abcdef".randomElement()! })
    }
}
