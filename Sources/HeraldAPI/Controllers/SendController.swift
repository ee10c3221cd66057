import Foundation
import HTTPTypes
import Hummingbird
import HeraldCore
import HeraldStore

/// `POST /api/v1/messages/send`: accept one message and wait, up to `timeout` seconds (query or
/// body, 0–30, default 10), for its first attempt. Answers 200 with the message once that attempt
/// is recorded (sent with the provider id, failed with the reason, or queued for a retry), or 202
/// with the message still queued when the wait runs out.
struct SendController {
    let dependencies: APIDependencies

    static let defaultTimeout = 10.0
    static let maximumTimeout = 30.0

    func register(on group: RouterGroup<HeraldRequestContext>) {
        group.post("messages/send", use: send)
    }

    @Sendable func send(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let tenant = try Caller.requireTenant()
        var body = try await RequestDecoding.jsonObject(from: request, limit: dependencies.limits.maxBodyBytes)
        let timeout = try Self.timeout(query: request.uri.queryParameters.get("timeout"), body: body.removeValue(forKey: "timeout"))
        let headerKey = HTTPField.Name("idempotency-key").flatMap { request.headers[$0] }
        let message = switch try await MessageIntake(dependencies: dependencies).accept(body, headerIdempotencyKey: headerKey, tenant: tenant) {
        case .created(let message), .replayed(let message): message
        }
        let settled = try await waitForFirstAttempt(of: message, timeout: timeout)
        return JSONResponse.make(status: settled.map { _ in .ok } ?? .accepted, json: MessageResponse.json(settled ?? message))
    }

    /// The message once its first attempt is recorded, or `nil` when `timeout` runs out first.
    private func waitForFirstAttempt(of message: Message, timeout: Double) async throws -> Message? {
        if let sendAt = message.sendAt, sendAt > dependencies.clock.now().addingTimeInterval(timeout) { return nil }
        let deadline = ContinuousClock.now + min(.milliseconds(Int64(timeout * 1000)), dependencies.limits.maxSendWait)
        var pause = Duration.milliseconds(5)
        while true {
            if let current = try await dependencies.store.message(id: message.id, tenant: message.tenantID),
               current.attempts > 0 && current.status != .sending || current.status == .cancelled {
                return current
            }
            let left = deadline - ContinuousClock.now
            guard left > .zero else { return nil }
            try await Task.sleep(for: min(pause, left))
            pause = min(pause * 2, .milliseconds(100))
        }
    }

    private static func timeout(query: String?, body: JSONValue?) throws -> Double {
        let value: Double?
        switch (query, body) {
        case (let text?, _): value = Double(text)
        case (nil, let number?) where number.doubleValue != nil: value = number.doubleValue
        case (nil, nil), (nil, .null?): return defaultTimeout
        default: value = nil
        }
        guard let value, (0...maximumTimeout).contains(value) else {
            throw APIError.validation([FieldProblem(
                field: "timeout", code: "out_of_range", problem: "must be a number of seconds from 0 to \(Int(maximumTimeout))"
            )])
        }
        return value
    }
}
