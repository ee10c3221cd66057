import HeraldCore

/// One enqueue call: a tenant's messages and the quota they must fit in.
struct EnqueueRequest: Sendable {
    var messages: [Message]
    var quota: Quota?
}
