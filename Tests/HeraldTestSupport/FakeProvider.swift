public import Foundation
public import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// One loopback HTTP server that speaks the providers' real wire formats: the WhatsApp Cloud
/// API (`POST /{version}/{phone_number_id}/messages`, `GET /{version}/{phone_number_id}`, Graph
/// error objects), Twilio's Messages API (`POST /2010-04-01/Accounts/{sid}/Messages.json`,
/// `GET /2010-04-01/Accounts/{sid}.json`, its error JSON) and a bot server's synthetic-event
/// endpoint (`POST /synthetic`). Sends are answered from a script (the last reply repeats);
/// every request is recorded.
public final class FakeProvider: Sendable {
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

    /// One request as received.
    public struct Recorded: Sendable {
        public var method: HTTPRequest.Method
        public var path: String
        public var headers: HTTPFields
        public var body: Data

        /// The body as form fields, decoded.
        public var form: [String: String] {
            var fields: [String: String] = [:]
            for pair in String(decoding: body, as: UTF8.self).split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1).map {
                    String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0)
                }
                if parts.count == 2 { fields[parts[0]] = parts[1] }
            }
            return fields
        }
    }

    private let replies: Mutex<[Reply]>
    private let recorded = Mutex<[Recorded]>([])
    private let counter = Atomic<Int>(0)

    public init(replies: [Reply] = [.ok]) {
        self.replies = Mutex(replies)
    }

    /// Every request so far, in order.
    public var requests: [Recorded] { recorded.withLock { $0 } }

    /// Replaces the script.
    public func script(_ replies: [Reply]) {
        self.replies.withLock { $0 = replies }
    }

    /// Runs the server while `body` runs, passing it the base URL (`http://127.0.0.1:port`).
    public func run<T: Sendable>(_ body: @Sendable (String) async throws -> T) async throws -> T {
        let router = Router(context: Context.self)
        router.post("**") { request, context in try await self.answer(request, context) }
        router.get("**") { request, context in try await self.answer(request, context) }
        return try await withListeningApplication({ reportPort in
            Application(
                router: router,
                configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                onServerRunning: { channel in await reportPort(channel.localAddress?.port ?? 0) },
                logger: Logger(label: "fake-provider", factory: { _ in SwiftLogNoOpLogHandler() })
            )
        }) { port in
            try await body("http://127.0.0.1:\(port)")
        }
    }

    /// The request context, keeping the connection so that `.drop` can close it.
    struct Context: RequestContext {
        var coreContext: CoreRequestContextStorage
        let channel: any NIOCore.Channel

        init(source: ApplicationRequestContextSource) {
            coreContext = .init(source: source)
            channel = source.channel
        }
    }

    private func answer(_ request: Request, _ context: Context) async throws -> Response {
        let body = try await request.body.collect(upTo: 1 << 20)
        let path = request.uri.path
        recorded.withLock { $0.append(Recorded(method: request.method, path: path, headers: request.headers, body: Data(body.readableBytesView))) }
        let segments = path.split(separator: "/").map(String.init)
        if request.method == .get {
            return account(segments)
        }
        let reply = replies.withLock { replies in replies.count > 1 ? replies.removeFirst() : replies[0] }
        let number = counter.wrappingAdd(1, ordering: .relaxed).newValue
        switch reply {
        case .ok:
            return success(segments, number: number)
        case .drop:
            try await context.channel.close()
            throw CancellationError()
        case .slow(let wait):
            try await Task.sleep(for: wait)
            return success(segments, number: number)
        case .graphError(let code, let subcode, let status, let message):
            var error: [String: Any] = [
                "message": message, "type": "OAuthException", "code": code,
                "error_data": ["messaging_product": "whatsapp", "details": "details of \(code)"], "fbtrace_id": "AbCdEf",
            ]
            if let subcode { error["error_subcode"] = subcode }
            return json(status, ["error": error])
        case .twilioError(let code, let status, let message):
            return json(status, ["code": code, "message": message, "more_info": "https://www.twilio.com/docs/errors/\(code)", "status": status])
        case .status(let status, let retryAfter):
            var headers: HTTPFields = [:]
            if let retryAfter { headers[.retryAfter] = retryAfter }
            return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(string: "")))
        }
    }

    private func success(_ segments: [String], number: Int) -> Response {
        if segments.first == "2010-04-01" {
            let sid = "SM" + String(format: "%032x", number)
            return json(201, ["sid": sid, "status": "queued", "account_sid": segments.count > 2 ? segments[2] : "", "error_code": NSNull()])
        }
        if segments.last == "messages" {
            return json(200, [
                "messaging_product": "whatsapp",
                "contacts": [["input": "+10000000000", "wa_id": "10000000000"]],
                "messages": [["id": "wamid.HBgL\(number)"]],
            ])
        }
        return json(200, ["ok": true])
    }

    /// Credential checks: a Graph phone number or a Twilio account.
    private func account(_ segments: [String]) -> Response {
        if segments.first == "2010-04-01" {
            return json(200, ["sid": segments.last?.replacingOccurrences(of: ".json", with: "") ?? "", "friendly_name": "Test account", "status": "active"])
        }
        return json(200, ["verified_name": "Test Shop", "display_phone_number": "+1 555-0100", "quality_rating": "GREEN", "id": segments.last ?? ""])
    }

    private func json(_ status: Int, _ object: [String: Any]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data()
        return Response(
            status: .init(code: status), headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: data))
        )
    }
}
