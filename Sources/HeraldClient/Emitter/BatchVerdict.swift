import HeraldCore

/// What one answer to a posted batch means for its messages.
enum BatchVerdict: Sendable, Hashable {
    /// What became of one message.
    enum Fate: Sendable, Hashable {
        /// Stored (or stored before: a replay of its idempotency key).
        case sent
        /// Refused for the tenant's quota: send it again when the quota has room.
        case waitForQuota(String)
        /// Refused for good.
        case failed(HeraldClientError)
    }

    /// Each message's fate, in batch order.
    case perItem([Fate])
    /// The whole batch may go through later (no answer, 5xx, 429), after at least `retryAfter`.
    case retry(retryAfter: Duration?, reason: String)
    /// Too large for the server: send it in halves.
    case split
    /// The whole batch failed for good.
    case failed(HeraldClientError)

    /// Reads an answer. `perItemResults`: the destination is Herald's batch route, whose
    /// answer has one result per message.
    static func read(_ response: EmitterResponse, count: Int, perItemResults: Bool) -> BatchVerdict {
        let status = response.status
        if perItemResults, status == 200 || status == 202 || status == 422, let fates = fates(response.body, count: count) {
            return .perItem(fates)
        }
        switch status {
        case 200..<300:
            return .perItem(Array(repeating: .sent, count: count))
        case 413:
            return count > 1 ? .split : .failed(.badRequest(status: 413, code: "body_too_large", message: "one message is larger than the server takes"))
        case 408, 429, 500...599:
            let error = ErrorAnswerMiddleware.error(status: status, retryAfter: response.headers["retry-after"], body: response.body)
            return .retry(retryAfter: error.retryAfter, reason: error.description)
        default:
            return .failed(ErrorAnswerMiddleware.error(status: status, retryAfter: response.headers["retry-after"], body: response.body))
        }
    }

    /// The fates in a batch answer's `results`, or `nil` when it has none for every message.
    private static func fates(_ body: [UInt8], count: Int) -> [Fate]? {
        guard let results = JSONValue.decode(body)?["results"]?.arrayValue else { return nil }
        var fates = [Fate?](repeating: nil, count: count)
        for result in results {
            guard let index = result["index"]?.integerValue, (0..<count).contains(index) else { continue }
            switch result["status"]?.stringValue {
            case "accepted", "existing":
                fates[index] = .sent
            default:
                let error = result["error"]
                let code = error?["error"]?.stringValue ?? "rejected"
                let message = error?["message"]?.stringValue ?? "refused"
                if code == "quota_exceeded" {
                    fates[index] = .waitForQuota(message)
                } else {
                    let problems = (error?["details"]?.arrayValue ?? []).compactMap { detail -> FieldProblem? in
                        guard let field = detail["field"]?.stringValue, let problem = detail["code"]?.stringValue else { return nil }
                        return FieldProblem(field: field, code: problem, problem: detail["problem"]?.stringValue ?? "")
                    }
                    fates[index] = .failed(code == "idempotency_conflict"
                        ? .conflict(code: code, message: message)
                        : .validation(problems.isEmpty ? [FieldProblem(field: "", code: code, problem: message)] : problems))
                }
            }
        }
        let all = fates.compactMap { $0 }
        return all.count == count ? all : nil
    }
}
