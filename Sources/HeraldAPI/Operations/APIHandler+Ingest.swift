import HeraldCore

/// `POST /api/v1/messages` and `…/batch`: accept messages. Each is stored durably before the
/// answer; the same idempotency key with the same body replays the original.
extension APIHandler {
    func createMessage(_ input: Operations.CreateMessage.Input) async throws -> Operations.CreateMessage.Output {
        let tenant = try Caller.requireTenant()
        let body = switch input.body {
        case .json(let body): try body.object()
        }
        switch try await MessageIntake(dependencies: dependencies).accept(body, headerIdempotencyKey: input.headers.idempotencyKey, tenant: tenant) {
        case .created(let message): return .accepted(.init(body: .json(answer(message))))
        case .replayed(let message): return .ok(.init(body: .json(answer(message))))
        }
    }

    /// Up to `maxBatchItems` messages, each validated on its own; every valid one is stored in
    /// one transaction, and the answer has one result per item in input order: 202 when anything
    /// new was stored, 200 when every valid item was a replay, 422 when every item was refused.
    func createMessages(_ input: Operations.CreateMessages.Input) async throws -> Operations.CreateMessages.Output {
        let tenant = try Caller.requireTenant()
        let items = switch input.body {
        case .json(.BatchRequest(let request)): request.messages
        case .json(.MessageCreateList(let messages)): messages
        }
        let maxItems = dependencies.limits.maxBatchItems
        guard !items.isEmpty, items.count <= maxItems else {
            throw APIError.validation([FieldProblem(
                field: "messages", code: "invalid_length", problem: "must hold 1 to \(maxItems) messages (got \(items.count))"
            )])
        }
        let outcomes = try await MessageIntake(dependencies: dependencies).acceptBatch(items.map(\.json), headerIdempotencyKey: nil, tenant: tenant)
        var answer = Components.Schemas.BatchResponse(accepted: 0, existing: 0, rejected: 0, results: [])
        answer.results.reserveCapacity(outcomes.count)
        for (index, outcome) in outcomes.enumerated() {
            switch outcome {
            case .accepted(.created(let message)):
                answer.accepted += 1
                answer.results.append(.init(index: index, status: .accepted, messageId: message.id.rawValue, message: self.answer(message)))
            case .accepted(.replayed(let message)):
                answer.existing += 1
                answer.results.append(.init(index: index, status: .existing, messageId: message.id.rawValue, message: self.answer(message)))
            case .rejected(let error):
                answer.rejected += 1
                answer.results.append(.init(index: index, status: .rejected, error: .init(error.forBatchItem(index))))
            }
        }
        if answer.accepted > 0 { return .accepted(.init(body: .json(answer))) }
        if answer.existing > 0 { return .ok(.init(body: .json(answer))) }
        return .unprocessableContent(.init(body: .json(.BatchResponse(answer))))
    }
}

extension Components.Schemas._Error {
    /// An error in the API's one error shape, as a batch result carries it.
    init(_ error: APIError) {
        self.init(
            error: error.code,
            message: error.message,
            code: error.compatibilityCode,
            details: error.details.isEmpty ? nil : error.details.map { .init(field: $0.field, code: $0.code, problem: $0.problem) }
        )
    }
}
