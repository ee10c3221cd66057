/// What a stored message is for: one a client asked Herald to send, or a status event Herald
/// raised itself for its tenant's `events_url`. Events travel the same durable queue with the
/// same retries, but use no quota, raise no events of their own, and are left out of message
/// lists and counts unless asked for.
public enum MessageKind: String, Sendable, Hashable, Codable, CaseIterable {
    case message
    case event
}
