import Crypto
import Foundation
import HeraldCore
import HeraldStore

/// Turns a request into a stored message: validates every field, lets the channel check and
/// complete the draft, and enqueues it. Shared by every way of sending.
struct MessageIntake: Sendable {
    let dependencies: APIDependencies

    /// What happened to one request.
    enum Accepted {
        case created(Message)
        case replayed(Message)
    }

    /// What happened to one item of a batch.
    enum ItemOutcome {
        case accepted(Accepted)
        case rejected(APIError)
    }

    func accept(_ body: [String: JSONValue], headerIdempotencyKey: String?, tenant: TenantID) async throws -> Accepted {
        switch try await acceptBatch([.object(body)], headerIdempotencyKey: headerIdempotencyKey, tenant: tenant)[0] {
        case .accepted(let accepted): return accepted
        case .rejected(let error): throw error
        }
    }

    /// Validates each item on its own and stores every valid one in one transaction.
    /// - Returns: one outcome per item, in order.
    func acceptBatch(_ items: [JSONValue], headerIdempotencyKey: String?, tenant: TenantID) async throws -> [ItemOutcome] {
        let now = dependencies.clock.now()
        var outcomes: [ItemOutcome?] = Array(repeating: nil, count: items.count)
        var pending: [(index: Int, message: Message)] = []
        for (index, item) in items.enumerated() {
            guard let object = item.objectValue else {
                outcomes[index] = .rejected(.validation([FieldProblem(field: "", code: "wrong_type", problem: "each message must be a JSON object")]))
                continue
            }
            do {
                var problems: [FieldProblem] = []
                let request = CreateMessageRequest(object, problems: &problems)
                let draft = try draft(from: request, problems: problems, headerIdempotencyKey: headerIdempotencyKey, tenant: tenant)
                pending.append((index, Message(id: .generate(at: now), draft: draft, now: now)))
            } catch let error as APIError {
                outcomes[index] = .rejected(error)
            }
        }
        let quota = try await dependencies.tenants.tenant(tenant)?.quota
        let results = try await dependencies.store.enqueue(pending.map(\.message), quota: quota)
        for ((index, message), result) in zip(pending, results) {
            switch result {
            case .created(let stored):
                outcomes[index] = .accepted(.created(stored))
            case .existing(let stored):
                outcomes[index] = stored.fingerprint == message.fingerprint
                    ? .accepted(.replayed(stored))
                    : .rejected(.idempotencyConflict)
            case .quotaExceeded:
                // A quota is always given when the store reports it exceeded.
                outcomes[index] = .rejected(.quotaExceeded(quota ?? Quota(limit: 0, period: .day)))
            }
        }
        // Every index was given an outcome above: rejected while validating, or by the store's answer.
        return outcomes.map { $0 ?? .rejected(.validation([])) }
    }

    /// Validates a request into a draft, collecting every problem (those found while reading
    /// the body included) before answering.
    /// - Throws: ``APIError`` 422 listing each field problem.
    func draft(
        from request: CreateMessageRequest,
        problems readProblems: [FieldProblem],
        headerIdempotencyKey: String?,
        tenant: TenantID
    ) throws -> MessageDraft {
        var problems = readProblems
        let limits = dependencies.limits
        let channelName = request.channel ?? "webhook"
        let channel = dependencies.channels[channelName]
        if channel == nil {
            problems.append(FieldProblem(
                field: "channel", code: "unknown_channel",
                problem: "unknown channel '\(channelName)'; known: \(dependencies.channels.names.joined(separator: ", "))"
            ))
        }

        var idempotencyKey = request.idempotencyKey ?? headerIdempotencyKey
        if let body = request.idempotencyKey, let header = headerIdempotencyKey, body != header {
            problems.append(FieldProblem(
                field: "idempotency_key", code: "conflicting_idempotency_key",
                problem: "differs from the Idempotency-Key header; send one or make them equal"
            ))
        }
        if let key = idempotencyKey {
            if key.isEmpty || key.count > limits.maxIdempotencyKeyLength {
                problems.append(FieldProblem(
                    field: "idempotency_key", code: "invalid_length",
                    problem: "must be 1 to \(limits.maxIdempotencyKeyLength) characters"
                ))
                idempotencyKey = nil
            }
        }

        var sendAt: Date?
        if let text = request.sendAt {
            sendAt = Timestamp.parse(text)
            if sendAt == nil {
                problems.append(FieldProblem(
                    field: "send_at", code: "invalid_timestamp",
                    problem: "must be an RFC 3339 time such as 2026-11-23T09:30:00Z"
                ))
            }
        }

        let priority = request.priority ?? 0
        if !limits.priorityRange.contains(priority) {
            problems.append(FieldProblem(
                field: "priority", code: "out_of_range",
                problem: "must be between \(limits.priorityRange.lowerBound) and \(limits.priorityRange.upperBound)"
            ))
        }

        if let payload = request.payload, payload.objectValue == nil {
            problems.append(FieldProblem(field: "payload", code: "wrong_type", problem: "must be a JSON object"))
        }
        var metadata = request.kept
        if let value = request.metadata {
            if let object = value.objectValue {
                metadata.merge(object) { kept, _ in kept }
            } else if value != .null {
                problems.append(FieldProblem(field: "metadata", code: "wrong_type", problem: "must be a JSON object"))
            }
        }
        if let to = request.to, to.isEmpty || to.count > 2048 {
            problems.append(FieldProblem(field: "to", code: "invalid_length", problem: "must be 1 to 2048 characters"))
        }
        if let url = request.url, url.count > 2048 {
            problems.append(FieldProblem(field: "url", code: "invalid_length", problem: "must be at most 2048 characters"))
        }

        var draft = MessageDraft(
            tenantID: tenant,
            channel: channelName,
            recipient: request.to,
            url: request.url,
            content: request.content,
            payload: request.payload,
            metadata: metadata,
            idempotencyKey: idempotencyKey,
            fingerprint: nil,
            priority: priority,
            sendAt: sendAt
        )
        if let channel, problems.isEmpty {
            do {
                draft = try channel.prepare(draft)
            } catch {
                problems.append(contentsOf: error.problems.isEmpty
                    ? [FieldProblem(field: "channel", code: error.code, problem: error.message)]
                    : error.problems)
            }
        }
        guard problems.isEmpty else { throw APIError.validation(problems) }
        // Only a keyed message can be replayed, so only it needs the digest that tells a replay
        // from a conflicting reuse of its key.
        if draft.idempotencyKey != nil { draft.fingerprint = Self.fingerprint(of: draft) }
        return draft
    }

    /// A digest of what the client asked for, to tell a replay from a conflicting reuse of a key.
    static func fingerprint(of draft: MessageDraft) -> String {
        var fields: [String: JSONValue] = [
            "channel": .string(draft.channel),
            "metadata": .object(draft.metadata),
            "priority": .number(Double(draft.priority)),
        ]
        fields["to"] = draft.recipient.map(JSONValue.string)
        fields["url"] = draft.url.map(JSONValue.string)
        fields["content"] = draft.content.map(JSONValue.string)
        fields["payload"] = draft.payload
        fields["send_at"] = draft.sendAt.map { .string(Timestamp.format($0)) }
        return Hex.encode(SHA256.hash(data: JSONWriter.bytes(.object(fields))))
    }
}
