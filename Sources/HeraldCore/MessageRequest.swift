import Foundation

/// A message as a client asks for it — the body of `POST /api/v1/messages`, a batch item, the
/// CLI's flags — read field by field so that every wrong type is reported at once with its name.
/// ``validated(tenant:headerIdempotencyKey:limits:)`` then checks what needs no channel; the
/// channel and the sender profile are chosen by whoever stores the message.
///
/// Clients of the services Herald replaces move over unchanged: `phoneNumber` stands for `to`,
/// `message` for `content`, `user` for `to` (bailouts); `message_type`, `tenant_id`, `outlet_id`
/// and `conversation_id` are kept in the metadata (and the last two returned at the top level).
public struct MessageRequest: Sendable, Hashable {
    /// Body fields kept in `metadata` under their own names.
    public static let keptInMetadata = ["message_type", "tenant_id", "outlet_id", "conversation_id"]

    public var channel: String?
    public var to: String?
    public var url: String?
    public var content: String?
    public var payload: JSONValue?
    public var metadata: JSONValue?
    public var idempotencyKey: String?
    public var sendAt: String?
    public var priority: Int?
    /// The sender profile's name.
    public var profile: String?
    public var outletID: String?
    public var dryRun: Bool?
    public var page: String?
    public var form: String?
    public var template: JSONValue?
    public var expiresAt: String?
    /// `message_type`, `tenant_id`, `outlet_id`, `conversation_id` as given.
    public var kept: [String: JSONValue]

    public init() {
        kept = [:]
    }

    /// Reads the known fields of `object`, adding a problem for each one of the wrong type.
    public init(_ object: [String: JSONValue], problems: inout [FieldProblem]) {
        var reader = FieldReader(object: object)
        channel = reader.string("channel")
        to = reader.string("to") ?? reader.string("phoneNumber") ?? reader.string("user")
        url = reader.string("url")
        content = reader.string("content") ?? reader.string("message")
        payload = reader.value("payload")
        metadata = reader.value("metadata")
        kept = [:]
        for name in Self.keptInMetadata {
            guard let value = object[name], value != .null else { continue }
            switch value {
            case .string, .number, .integer: kept[name] = value
            default:
                reader.report(FieldProblem(field: name, code: "wrong_type", problem: "must be a string or a number"))
            }
        }
        outletID = kept["outlet_id"] == nil ? nil : reader.identifier("outlet_id")
        idempotencyKey = reader.string("idempotency_key")
        sendAt = reader.string("send_at")
        priority = reader.integer("priority")
        profile = reader.string("profile")
        dryRun = reader.bool("dry_run")
        page = reader.string("page")
        form = reader.string("form")
        template = reader.value("template")
        expiresAt = reader.string("expires_at")
        problems += reader.problems
    }

    /// Checks every field that needs no channel and builds the draft; its `channel` is the one
    /// asked for (empty when none was: the caller chooses it, as it chooses the profile).
    /// - Parameters:
    ///   - tenant: the tenant the message belongs to (decided by the caller's key, never the body).
    ///   - headerIdempotencyKey: an `Idempotency-Key` sent beside the body, if any.
    ///   - keepTopLevelFields: whether `message_type`, `tenant_id`, `outlet_id` and
    ///     `conversation_id` are copied into the metadata (not for channels that send the
    ///     metadata itself to the provider).
    /// - Returns: the draft and every problem found; the draft is usable only without problems.
    public func validated(
        tenant: TenantID,
        headerIdempotencyKey: String?,
        limits: MessageLimits,
        keepTopLevelFields: Bool = true
    ) -> (draft: MessageDraft, problems: [FieldProblem]) {
        var problems: [FieldProblem] = []
        var idempotencyKey = idempotencyKey ?? headerIdempotencyKey
        if let body = self.idempotencyKey, let header = headerIdempotencyKey, body != header {
            problems.append(FieldProblem(
                field: "idempotency_key", code: "conflicting_idempotency_key",
                problem: "differs from the Idempotency-Key header; send one or make them equal"
            ))
        }
        if let key = idempotencyKey, key.isEmpty || key.count > limits.maxIdempotencyKeyLength {
            problems.append(FieldProblem(
                field: "idempotency_key", code: "invalid_length",
                problem: "must be 1 to \(limits.maxIdempotencyKeyLength) characters"
            ))
            idempotencyKey = nil
        }
        let sendAt = Self.time(sendAt, field: "send_at", problems: &problems)
        let expiresAt = Self.time(expiresAt, field: "expires_at", problems: &problems)
        let priority = priority ?? 0
        if !limits.priorityRange.contains(priority) {
            problems.append(FieldProblem(
                field: "priority", code: "out_of_range",
                problem: "must be between \(limits.priorityRange.lowerBound) and \(limits.priorityRange.upperBound)"
            ))
        }
        if let payload, payload.objectValue == nil {
            problems.append(FieldProblem(field: "payload", code: "wrong_type", problem: "must be a JSON object"))
        }
        if let template, template.objectValue == nil {
            problems.append(FieldProblem(field: "template", code: "wrong_type", problem: "must be a JSON object"))
        }
        var metadata = keepTopLevelFields ? kept : [:]
        if let value = self.metadata {
            if let object = value.objectValue {
                metadata.merge(object) { kept, _ in kept }
            } else if value != .null {
                problems.append(FieldProblem(field: "metadata", code: "wrong_type", problem: "must be a JSON object"))
            }
        }
        for (field, value) in [("to", to), ("page", page), ("form", form), ("outlet_id", outletID)] {
            if let value, value.isEmpty || value.count > 2048 {
                problems.append(FieldProblem(field: field, code: "invalid_length", problem: "must be 1 to 2048 characters"))
            }
        }
        if let url, url.count > 2048 {
            problems.append(FieldProblem(field: "url", code: "invalid_length", problem: "must be at most 2048 characters"))
        }
        if let profile, !SenderProfile.isValidName(profile) {
            problems.append(FieldProblem(
                field: "profile", code: "invalid_name", problem: "must be 1 to 64 of A-Z, a-z, 0-9, '-', '_' and '.'"
            ))
        }
        let draft = MessageDraft(
            tenantID: tenant, channel: channel ?? "", recipient: to, url: url, content: content, payload: payload,
            metadata: metadata, idempotencyKey: idempotencyKey, fingerprint: nil, priority: priority, sendAt: sendAt,
            outletID: outletID, dryRun: dryRun ?? false, page: page, form: form, template: template, expiresAt: expiresAt
        )
        return (draft, problems)
    }

    private static func time(_ text: String?, field: String, problems: inout [FieldProblem]) -> Date? {
        guard let text else { return nil }
        guard let time = Timestamp.parse(text) else {
            problems.append(FieldProblem(
                field: field, code: "invalid_timestamp", problem: "must be an RFC 3339 time such as 2026-11-23T09:30:00Z"
            ))
            return nil
        }
        return time
    }
}

/// Limits on what one message may ask for; anything over them is a 422, never a 500.
public struct MessageLimits: Sendable, Hashable {
    public var maxIdempotencyKeyLength: Int
    public var priorityRange: ClosedRange<Int>

    public init(maxIdempotencyKeyLength: Int = 255, priorityRange: ClosedRange<Int> = -100...100) {
        self.maxIdempotencyKeyLength = maxIdempotencyKeyLength
        self.priorityRange = priorityRange
    }
}
