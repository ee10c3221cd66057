import Foundation
import HeraldCore
import HeraldStore

/// `POST /api/v1/messages/send`: accept one message and wait, up to `timeout` seconds (query or
/// body, 0–30, default 10), for its first attempt. Answers 200 with the message once that attempt
/// is recorded (sent with the provider id, failed with the reason, or queued for a retry) — or at
/// once when it ends without one (expired at its claim, cancelled, a dry run) — or 202 with the
/// message still queued when the wait runs out.
extension APIHandler {
    func sendMessage(_ input: Operations.SendMessage.Input) async throws -> Operations.SendMessage.Output {
        let tenant = try Caller.requireTenant()
        let body = switch input.body {
        case .json(let body): body
        }
        let object = try body.value1.object()
        let timeout = try SendTimeout.seconds(input.query.timeout ?? body.value2.timeout)
        let message = switch try await MessageIntake(dependencies: dependencies).accept(
            object, headerIdempotencyKey: input.headers.idempotencyKey, tenant: tenant
        ) {
        case .created(let message), .replayed(let message): message
        }
        if let settled = try await waitForFirstAttempt(of: message, timeout: timeout) {
            return .ok(.init(body: .json(answer(settled))))
        }
        return .accepted(.init(body: .json(answer(message))))
    }

    /// The message once its first attempt is recorded, or `nil` when `timeout` runs out first.
    private func waitForFirstAttempt(of message: Message, timeout: Double) async throws -> Message? {
        if let sendAt = message.sendAt, sendAt > dependencies.clock.now().addingTimeInterval(timeout) { return nil }
        let deadline = ContinuousClock.now + min(.milliseconds(Int64(timeout * 1000)), dependencies.limits.maxSendWait)
        var pause = Duration.milliseconds(5)
        while true {
            // The first attempt recorded (a retry queued counts), or an end without one.
            if let current = try await dependencies.store.message(id: message.id, tenant: message.tenantID), current.status != .sending,
               current.attempts > 0 || !current.status.isPending {
                return current
            }
            let left = deadline - ContinuousClock.now
            guard left > .zero else { return nil }
            try await Task.sleep(for: min(pause, left))
            pause = min(pause * 2, .milliseconds(100))
        }
    }
}

/// How long `POST /api/v1/messages/send` waits for the first attempt.
enum SendTimeout {
    static let defaultSeconds = 10.0
    static let maximumSeconds = 30.0

    /// The wait asked for, or the default when none was.
    /// - Throws: ``APIError`` 422 outside 0–30 seconds.
    static func seconds(_ asked: Double?) throws -> Double {
        guard let asked else { return defaultSeconds }
        guard (0...maximumSeconds).contains(asked) else { throw outOfRange }
        return asked
    }

    /// Explains a send request the generated decoding refused because of a `timeout` (the query's
    /// text or the body's value, whichever is given): 422 when it is not a number of seconds from
    /// 0 to 30. Either one being unreadable refuses the request, even if the other is fine.
    static func explain(query: String?, body: JSONValue?) throws {
        if let query { _ = try seconds(Double(query) ?? .nan) }
        if let body, body != .null { _ = try seconds(body.doubleValue ?? .nan) }
    }

    private static let outOfRange = APIError.validation([FieldProblem(
        field: "timeout", code: "out_of_range", problem: "must be a number of seconds from 0 to \(Int(maximumSeconds))"
    )])
}
