package import HeraldCore

/// One enqueue call as a group-commit item: a tenant's messages and the quota they must fit in.
package struct EnqueueRequest: Sendable {
    package var messages: [Message]
    package var quota: Quota?

    package init(messages: [Message], quota: Quota?) {
        self.messages = messages
        self.quota = quota
    }
}
