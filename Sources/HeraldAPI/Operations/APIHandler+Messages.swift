import Foundation
import HTTPTypes
import HeraldCore
import HeraldStore

/// `/api/v1/messages/{id}…`: read a message, its status and delivery log; cancel or retry it.
/// Another tenant's message answers 404, so ids do not leak.
extension APIHandler {
    func listMessages(_ input: Operations.ListMessages.Input) async throws -> Operations.ListMessages.Output {
        let tenant = try Caller.requireTenant()
        let given = input.query
        // The checks (ranges, status names, the cursor) are MessageListRequest's, on the query's
        // values as text; the generated parsing has already refused what is not a number or a time.
        let text: [String: String?] = [
            "limit": given.limit.map(String.init), "offset": given.offset.map(String.init), "cursor": given.cursor,
            "status": given.status, "channel": given.channel, "recipient": given.recipient ?? given.to,
            "created_after": given.createdAfter.map(Timestamp.format), "created_before": given.createdBefore.map(Timestamp.format),
            "provider_message_id": given.providerMessageId, "outlet_id": given.outletId,
        ]
        var query = try MessageListRequest({ text[$0] ?? nil }, tenant: tenant, maxPageSize: dependencies.limits.maxPageSize).query
        query.kind = MessageKind(given.kind)
        var messages: [Message] = []
        if let name = given.profile {
            // A name the tenant has no profile for matches no message.
            query.profileID = try await dependencies.profiles.profiles(of: tenant).first { $0.name == name }?.id
        }
        if given.profile == nil || query.profileID != nil {
            messages = try await dependencies.store.listMessages(query)
        }
        let nextCursor = messages.count == query.limit ? messages.last.map { MessageListCursor.encode($0.id) } : nil
        return .ok(.init(body: .json(.init(
            messages: messages.map { .init(value1: answer($0), value2: .init(isSent: [.sent, .delivered, .read].contains($0.status))) },
            count: messages.count,
            limit: query.limit,
            offset: query.offset,
            nextCursor: .init(nextCursor)
        ))))
    }

    func getMessage(_ input: Operations.GetMessage.Input) async throws -> Operations.GetMessage.Output {
        let message = try await dependencies.message(id: input.path.id, tenant: Caller.requireTenant())
        return .ok(.init(body: .json(answer(message))))
    }

    func getMessageAttempts(_ input: Operations.GetMessageAttempts.Input) async throws -> Operations.GetMessageAttempts.Output {
        let message = try await dependencies.message(id: input.path.id, tenant: Caller.requireTenant())
        let attempts = try await dependencies.store.attempts(messageID: message.id)
        return .ok(.init(body: .json(.init(messageId: message.id.rawValue, attempts: attempts.map(Components.Schemas.Attempt.init)))))
    }

    func cancelMessage(_ input: Operations.CancelMessage.Input) async throws -> Operations.CancelMessage.Output {
        let message = try await dependencies.message(id: input.path.id, tenant: Caller.requireTenant())
        let cancelled = try await change(message, "cancelled", allowedFrom: "scheduled or queued") { store, id, tenant, now in
            try await store.cancel(id: id, tenant: tenant, now: now)
        }
        return .ok(.init(body: .json(answer(cancelled))))
    }

    func retryMessage(_ input: Operations.RetryMessage.Input) async throws -> Operations.RetryMessage.Output {
        let message = try await dependencies.message(id: input.path.id, tenant: Caller.requireTenant())
        let retried = try await change(message, "retried", allowedFrom: "failed") { store, id, tenant, now in
            try await store.retry(id: id, tenant: tenant, now: now)
        }
        return .ok(.init(body: .json(answer(retried))))
    }

    /// Applies a life-cycle change, turning a refusal into a 409 that says what is allowed.
    private func change(
        _ message: Message,
        _ verb: String,
        allowedFrom allowed: String,
        _ body: (any MessageStore, MessageID, TenantID, Date) async throws -> Message
    ) async throws -> Message {
        do {
            return try await body(dependencies.store, message.id, message.tenantID, dependencies.clock.now())
        } catch let error as StoreError where error.isContentCleared {
            throw APIError(.conflict, code: "content_cleared", message: "message \(message.id) cannot be \(verb): \(error.message)")
        } catch let error as StoreError where error.isIllegalTransition {
            throw APIError.invalidState("only \(allowed) messages can be \(verb); this one is \(message.status.rawValue)")
        } catch let error as StoreError where error.isNotFound {
            throw APIError.notFound("no message \(message.id)")
        }
    }

    func getMessageStatus(_ input: Operations.GetMessageStatus.Input) async throws -> Operations.GetMessageStatus.Output {
        let message = try await dependencies.message(id: input.path.id, tenant: Caller.requireTenant())
        return .ok(.init(body: .json(.init(message))))
    }
}

extension Components.Schemas.Attempt {
    /// One delivery-log entry.
    init(_ attempt: AttemptRecord) {
        self.init(
            id: attempt.id.rawValue,
            number: attempt.number,
            startedAt: attempt.startedAt,
            durationMs: Int((attempt.duration.seconds * 1000).rounded()),
            httpStatus: .init(attempt.httpStatus),
            outcome: .init(attempt.outcome),
            error: .init(attempt.error),
            responseExcerpt: .init(attempt.responseExcerpt)
        )
    }
}

extension Components.Schemas.Attempt.OutcomePayload {
    init(_ outcome: AttemptOutcome) {
        self = switch outcome {
        case .sent: .sent
        case .retry: .retry
        case .failed: .failed
        case .throttled: .throttled
        case .dryRun: .dryRun
        }
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
            failureReason: .init(message.status.isFailure ? message.lastError : nil),
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
        case .dryRun: .dryRun
        case .failed: .failed
        case .cancelled: .cancelled
        case .undelivered: .undelivered
        case .partiallyDelivered: .partiallyDelivered
        }
    }
}
