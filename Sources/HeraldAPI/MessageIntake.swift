import Crypto
import Foundation
import HeraldCore
import HeraldMetrics
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
        try await dependencies.backlog.admit()
        let now = dependencies.clock.now()
        let owner = try await dependencies.tenants.tenant(tenant)
        let defaultChannel = owner?.defaultChannel ?? dependencies.defaultChannel
        let profiles = try await dependencies.profiles.profiles(of: tenant)
        var outcomes: [ItemOutcome?] = Array(repeating: nil, count: items.count)
        var pending: [(index: Int, message: Message)] = []
        for (index, item) in items.enumerated() {
            guard let object = item.objectValue else {
                outcomes[index] = .rejected(.validation([FieldProblem(field: "", code: "wrong_type", problem: "each message must be a JSON object")]))
                continue
            }
            do {
                var problems: [FieldProblem] = []
                let request = MessageRequest(object, problems: &problems)
                let draft = try draft(
                    from: request, problems: problems, headerIdempotencyKey: headerIdempotencyKey, tenant: tenant,
                    profiles: profiles, defaultChannel: defaultChannel, now: now
                )
                pending.append((index, Message(id: .generate(at: now), draft: draft, now: now)))
            } catch let error as APIError {
                outcomes[index] = .rejected(error)
            }
        }
        let quota = owner?.quota
        let results = try await dependencies.store.enqueue(pending.map(\.message), quota: quota)
        var createdByChannel: [String: Int] = [:]
        defer {
            for (channel, count) in createdByChannel { dependencies.metrics.accepted(tenant: tenant.rawValue, channel: channel, count: count) }
        }
        for ((index, message), result) in zip(pending, results) {
            switch result {
            case .created(let stored):
                createdByChannel[stored.channel, default: 0] += 1
                outcomes[index] = .accepted(.created(stored))
            case .existing(let stored):
                outcomes[index] = stored.fingerprint == message.fingerprint
                    ? .accepted(.replayed(stored))
                    : .rejected(.idempotencyConflict)
            case .quotaExceeded:
                // A quota is always given when the store reports it exceeded.
                outcomes[index] = .rejected(.quotaExceeded(quota ?? Quota(limit: 0, period: .day), now: message.createdAt))
            }
        }
        // Every index was given an outcome above: rejected while validating, or by the store's answer.
        return outcomes.map { $0 ?? .rejected(.validation([])) }
    }

    /// Validates a request into a draft, collecting every problem (those found while reading
    /// the body included) before answering: the fields, the channel and sender profile chosen
    /// (``ProfileChoice``), then the channel's own checks.
    /// - Throws: ``APIError`` 422 listing each field problem.
    func draft(
        from request: MessageRequest,
        problems readProblems: [FieldProblem],
        headerIdempotencyKey: String?,
        tenant: TenantID,
        profiles: [SenderProfile],
        defaultChannel: String,
        now: Date
    ) throws -> MessageDraft {
        var problems = readProblems
        let choice = ProfileChoice.choose(for: request, among: profiles, defaultChannel: defaultChannel, channels: dependencies.channels)
        problems += choice.problems
        let channel = choice.channel
        var (draft, fieldProblems) = request.validated(
            tenant: tenant, headerIdempotencyKey: headerIdempotencyKey, limits: dependencies.limits.message,
            keepTopLevelFields: !(channel?.sendsMetadata ?? false)
        )
        problems += fieldProblems
        if let expiresAt = draft.expiresAt, expiresAt <= now {
            problems.append(FieldProblem(
                field: "expires_at", code: "expired",
                problem: "is \(Timestamp.format(expiresAt)), already past (now \(Timestamp.format(now))); a message that may not be sent after then would only fail — give a later time, or leave it out"
            ))
        }
        draft.channel = channel?.name ?? ""
        draft.profileID = choice.profile?.id
        draft.dryRun = draft.dryRun || (choice.profile?.dryRun ?? false) || dependencies.dryRun
        if let channel, problems.isEmpty {
            do {
                draft = try channel.prepare(draft, profile: choice.profile)
            } catch {
                problems.append(contentsOf: error.problems.isEmpty
                    ? [FieldProblem(field: "channel", code: error.code, problem: error.message)]
                    : error.problems)
            }
        }
        guard problems.isEmpty else { throw APIError.validation(problems) }
        // Only a keyed message can be replayed, so only it needs the digest that tells a replay
        // from a conflicting reuse of its key.
        if draft.idempotencyKey != nil { draft.fingerprint = Self.fingerprint(of: draft, profile: request.profile) }
        return draft
    }

    /// A digest of what the client asked for, to tell a replay from a conflicting reuse of a key:
    /// the profile it named, not the one chosen for it (a replay after the tenant's default
    /// changed is still a replay). A dry run and the real run with the same key are different
    /// messages.
    static func fingerprint(of draft: MessageDraft, profile: String?) -> String {
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
        if draft.dryRun { fields["dry_run"] = .bool(true) }
        fields["profile"] = profile.map(JSONValue.string)
        fields["outlet_id"] = draft.outletID.map(JSONValue.string)
        fields["page"] = draft.page.map(JSONValue.string)
        fields["form"] = draft.form.map(JSONValue.string)
        fields["template"] = draft.template
        fields["expires_at"] = draft.expiresAt.map { .string(Timestamp.format($0)) }
        return Hex.encode(SHA256.hash(data: JSONWriter.bytes(.object(fields))))
    }
}
