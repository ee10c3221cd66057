import HeraldCore
import HeraldStore

/// The replaced go-sender service's routes, for its existing clients: `GET /message` (a bare
/// array of `{"content", "phone", "is_sent"}`, newest first), `POST /start` and `POST /stop`
/// (the scheduler routes under its names and its error words).
extension APIHandler {
    func legacyListMessages(_ input: Operations.LegacyListMessages.Input) async throws -> Operations.LegacyListMessages.Output {
        let tenant = try Caller.requireTenant()
        let limit = input.query.limit ?? 100
        guard (1...dependencies.limits.maxPageSize).contains(limit) else {
            throw APIError.validation([FieldProblem(field: "limit", code: "out_of_range", problem: "must be a whole number from 1 to \(dependencies.limits.maxPageSize)")])
        }
        let messages = try await dependencies.store.listMessages(MessageQuery(tenant: tenant, limit: limit))
        return .ok(.init(body: .json(messages.map { message in
            .init(
                content: .init(message.content), phone: .init(message.recipient),
                isSent: [.sent, .delivered, .read].contains(message.status)
            )
        })))
    }

    func legacyStartSender(_ input: Operations.LegacyStartSender.Input) async throws -> Operations.LegacyStartSender.Output {
        .ok(.init(body: .json(try await resumeDispatching(ifRunning: "sender is already running", code: "SENDER_ALREADY_RUNNING"))))
    }

    func legacyStopSender(_ input: Operations.LegacyStopSender.Input) async throws -> Operations.LegacyStopSender.Output {
        .ok(.init(body: .json(try await pauseDispatching(ifStopped: "sender is not running", code: "SENDER_NOT_RUNNING"))))
    }
}
