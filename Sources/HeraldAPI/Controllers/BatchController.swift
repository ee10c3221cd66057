import Hummingbird
import HeraldCore

/// `POST /api/v1/messages/batch`: many messages in one call, each validated on its own, every
/// valid one stored in one transaction, one result per item in input order.
///
/// The body is `{"messages": [...]}` or a bare array. The answer is 202 when anything new was
/// stored, 200 when every valid item was a replay, 422 when every item was refused.
struct BatchController {
    let dependencies: APIDependencies

    func register(on group: RouterGroup<HeraldRequestContext>) {
        group.post("messages/batch", use: create)
    }

    @Sendable func create(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let tenant = try Caller.requireTenant()
        let limits = dependencies.limits
        let body = try await RequestDecoding.json(from: request, limit: limits.maxBatchBodyBytes)
        let items: [JSONValue]
        switch body {
        case .array(let array): items = array
        case .object(let object):
            guard case .array(let array)? = object["messages"] else {
                throw APIError.validation([FieldProblem(field: "messages", code: "missing", problem: "must be an array of messages")])
            }
            items = array
        default:
            throw APIError.invalidJSON("the body must be {\"messages\": [...]} or an array of messages")
        }
        guard !items.isEmpty, items.count <= limits.maxBatchItems else {
            throw APIError.validation([FieldProblem(
                field: "messages", code: "invalid_length", problem: "must hold 1 to \(limits.maxBatchItems) messages (got \(items.count))"
            )])
        }

        let outcomes = try await MessageIntake(dependencies: dependencies).acceptBatch(items, headerIdempotencyKey: nil, tenant: tenant)
        var created = 0, replayed = 0, rejected = 0
        let results: [JSONValue] = outcomes.enumerated().map { index, outcome in
            switch outcome {
            case .accepted(.created(let message)):
                created += 1
                return Self.item(index, "accepted", message)
            case .accepted(.replayed(let message)):
                replayed += 1
                return Self.item(index, "existing", message)
            case .rejected(let error):
                rejected += 1
                return .object(["index": .number(Double(index)), "status": .string("rejected"), "error": error.forBatchItem(index).json])
            }
        }
        let status: HTTPResponse.Status = created > 0 ? .accepted : (replayed > 0 ? .ok : .unprocessableContent)
        return JSONResponse.make(status: status, json: .object([
            "results": .array(results),
            "accepted": .number(Double(created)),
            "existing": .number(Double(replayed)),
            "rejected": .number(Double(rejected)),
        ]))
    }

    private static func item(_ index: Int, _ status: String, _ message: Message) -> JSONValue {
        .object([
            "index": .number(Double(index)),
            "status": .string(status),
            "message_id": .string(message.id.rawValue),
            "message": MessageResponse.json(message),
        ])
    }
}

import HTTPTypes
