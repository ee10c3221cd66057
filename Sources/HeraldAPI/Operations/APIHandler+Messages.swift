import HeraldCore

/// `/api/v1/messages/{id}…` served through the generated interface.
extension APIHandler {
    func getMessageStatus(_ input: Operations.GetMessageStatus.Input) async throws -> Operations.GetMessageStatus.Output {
        let message = try await dependencies.message(id: input.path.id, tenant: Caller.requireTenant())
        return .ok(.init(body: .json(.init(message))))
    }
}

extension Components.Schemas.MessageStatusReport {
    /// Where the message is, without its content.
    init(_ message: Message) {
        self.init(
            messageId: message.id.rawValue,
            status: .init(message.status),
            attempts: message.attempts,
            providerMessageId: .init(message.providerMessageID),
            failureReason: .init(message.status == .failed ? message.lastError : nil),
            lastError: .init(message.lastError),
            nextAttemptAt: .init(message.status.isPending ? message.nextAttemptAt : nil),
            sentAt: .init(message.sentAt),
            deliveredAt: .init(message.deliveredAt),
            readAt: .init(message.readAt),
            failedAt: .init(message.failedAt),
            cancelledAt: .init(message.cancelledAt)
        )
    }
}

extension Components.Schemas.Status {
    /// Exhaustive: a status the document does not list does not compile.
    init(_ status: MessageStatus) {
        self = switch status {
        case .scheduled: .scheduled
        case .queued: .queued
        case .sending: .sending
        case .sent: .sent
        case .delivered: .delivered
        case .read: .read
        case .failed: .failed
        case .cancelled: .cancelled
        }
    }
}
