public import AsyncHTTPClient
public import Foundation
import HTTPTypes
import NIOCore
import HeraldCore
import OpenAPIAsyncHTTPClient
import OpenAPIRuntime

/// A typed client of one Herald server, for one API key: send messages, read where they are,
/// cancel and retry them. Every call either returns what Herald answered or throws a
/// ``HeraldClientError`` saying what went wrong in terms the caller can act on.
///
/// ```swift
/// let herald = Herald(serverURL: URL(string: "http://localhost:8080")!, apiKey: key)
/// let message = try await herald.send(OutgoingMessage(channel: "whatsapp", to: "+31612345678", content: "Hi"))
/// let status = try await herald.status(id: message.id)
/// ```
///
/// For many messages from a busy process, fire and forget through a ``BatchEmitter`` instead.
public struct Herald: Sendable {
    /// The server's base URL (without `/api/v1`).
    public let serverURL: URL
    let client: Client

    /// - Parameters:
    ///   - serverURL: where Herald listens, such as `http://localhost:8080`.
    ///   - apiKey: a tenant's key (or the admin key for admin routes).
    ///   - httpClient: the connection pool to use; the shared one by default.
    ///   - timeout: the longest one call may take.
    public init(serverURL: URL, apiKey: String, httpClient: HTTPClient = .shared, timeout: Duration = .seconds(60)) {
        self.serverURL = serverURL
        client = Client(
            serverURL: serverURL,
            configuration: Configuration(dateTranscoder: .iso8601WithFractionalSeconds),
            transport: AsyncHTTPClientTransport(configuration: .init(client: httpClient, timeout: .init(timeout))),
            middlewares: [BearerKeyMiddleware(key: apiKey), ErrorAnswerMiddleware()]
        )
    }

    /// Hands one message to Herald; it is stored durably when this returns.
    /// - Returns: the message as stored (the original one when its idempotency key was used before).
    public func send(_ message: OutgoingMessage) async throws(HeraldClientError) -> MessageInfo {
        try await call {
            switch try await client.createMessage(.init(body: .json(message))) {
            case .accepted(let answer): try answer.body.json
            case .ok(let answer): try answer.body.json
            case let other: throw Self.unexpected(other)
            }
        }
    }

    /// Hands up to 1,000 messages to Herald in one request, each accepted or refused on its own.
    public func sendBatch(_ messages: [OutgoingMessage]) async throws(HeraldClientError) -> BatchResult {
        try await call {
            let answer: Components.Schemas.BatchResponse = switch try await client.createMessages(.init(body: .json(.BatchRequest(.init(messages: messages))))) {
            case .accepted(let answer): try answer.body.json
            case .ok(let answer): try answer.body.json
            case .unprocessableContent(let answer):
                switch try answer.body.json {
                case .BatchResponse(let results): results
                case ._Error(let error): throw HeraldClientError.item(code: error.error, message: error.message, details: error.details)
                }
            case let other: throw Self.unexpected(other)
            }
            return BatchResult(outcomes: answer.results.sorted { $0.index < $1.index }.map(BatchResult.Outcome.init))
        }
    }

    /// Hands one message to Herald and waits, up to `timeout` (at most 30 s), for its first
    /// attempt: the answer says `sent`, `failed`, or still `queued` when the wait ran out or a
    /// retry is due.
    public func sendAndWait(_ message: OutgoingMessage, timeout: Duration = .seconds(10)) async throws(HeraldClientError) -> MessageInfo {
        try await call {
            let input = Operations.SendMessage.Input(
                query: .init(timeout: timeout.seconds),
                body: .json(.init(value1: message, value2: .init()))
            )
            switch try await client.sendMessage(input) {
            case .ok(let answer): return try answer.body.json
            case .accepted(let answer): return try answer.body.json
            case let other: throw Self.unexpected(other)
            }
        }
    }

    /// One message of the caller's tenant.
    public func message(id: String) async throws(HeraldClientError) -> MessageInfo {
        try await call {
            switch try await client.getMessage(.init(path: .init(id: id))) {
            case .ok(let answer): try answer.body.json
            case let other: throw Self.unexpected(other)
            }
        }
    }

    /// Where a message is, in brief.
    public func status(id: String) async throws(HeraldClientError) -> MessageStatusReport {
        try await call {
            switch try await client.getMessageStatus(.init(path: .init(id: id))) {
            case .ok(let answer): MessageStatusReport(try answer.body.json)
            case let other: throw Self.unexpected(other)
            }
        }
    }

    /// A message's delivery log, oldest first.
    public func attempts(id: String) async throws(HeraldClientError) -> [AttemptInfo] {
        try await call {
            switch try await client.getMessageAttempts(.init(path: .init(id: id))) {
            case .ok(let answer): try answer.body.json.attempts.map(AttemptInfo.init)
            case let other: throw Self.unexpected(other)
            }
        }
    }

    /// One page of the tenant's messages, newest first.
    public func list(_ query: MessageListQuery = .init()) async throws(HeraldClientError) -> MessagePage {
        try await call {
            let input = Operations.ListMessages.Input(query: .init(
                limit: query.limit, cursor: query.cursor,
                status: query.statuses.isEmpty ? nil : query.statuses.map(\.rawValue).joined(separator: ","),
                channel: query.channel, recipient: query.recipient, providerMessageId: query.providerMessageID,
                outletId: query.outletID, profile: query.profile, createdAfter: query.createdAfter, createdBefore: query.createdBefore,
                kind: query.events ? .event : nil
            ))
            switch try await client.listMessages(input) {
            case .ok(let answer):
                let page = try answer.body.json
                return MessagePage(messages: page.messages.map(\.value1), nextCursor: page.nextCursor)
            case let other: throw Self.unexpected(other)
            }
        }
    }

    /// Cancels a scheduled or queued message.
    /// - Throws: ``HeraldClientError/conflict(code:message:)`` once it is on its way or done.
    public func cancel(id: String) async throws(HeraldClientError) -> MessageInfo {
        try await call {
            switch try await client.cancelMessage(.init(path: .init(id: id))) {
            case .ok(let answer): try answer.body.json
            case let other: throw Self.unexpected(other)
            }
        }
    }

    /// Queues a failed message again, with a fresh attempt budget.
    public func retry(id: String) async throws(HeraldClientError) -> MessageInfo {
        try await call {
            switch try await client.retryMessage(.init(path: .init(id: id))) {
            case .ok(let answer): try answer.body.json
            case let other: throw Self.unexpected(other)
            }
        }
    }

    /// Runs one generated-client call, turning whatever it throws into a ``HeraldClientError``.
    func call<T>(_ body: () async throws -> T) async throws(HeraldClientError) -> T {
        do {
            return try await body()
        } catch let error as HeraldClientError {
            throw error
        } catch let error as ClientError {
            if let answer = error.underlyingError as? HeraldClientError { throw answer }
            if error.response != nil { throw .unexpected(status: error.response?.status.code ?? 0, message: "\(error.underlyingError)") }
            throw .transport(unreachable(error.underlyingError))
        } catch {
            throw .transport(unreachable(error))
        }
    }

    /// `cannot reach Herald at URL (why)`, the why in a person's words where it is a common one.
    func unreachable(_ error: any Error) -> String {
        let text = "\(error)"
        let why: String
        if let error = error as? HTTPClientError, error == .connectTimeout || error == .deadlineExceeded || error == .readTimeout {
            why = error == .connectTimeout ? "no connection within the connect timeout" : "no answer in time"
        } else if text.contains("connectionRefused") || text.contains("Connection refused") || text.contains("ECONNREFUSED") || text.contains("errno: 111") {
            why = "connection refused"
        } else if text.contains("NXDOMAIN") || text.contains("lookup") || text.contains("resolve") {
            why = "its host name does not resolve"
        } else {
            why = text
        }
        return "cannot reach Herald at \(serverURL.absoluteString) (\(why))"
    }

    static func unexpected(_ output: some Sendable) -> HeraldClientError {
        .unexpected(status: 0, message: "an answer this client does not read: \(output)")
    }
}
