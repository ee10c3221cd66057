import HTTPTypes
import Hummingbird
import HeraldCore
import HeraldStore

/// `/api/v1/messages…`: accept, list, read, cancel and retry messages, and read their delivery log.
struct MessagesController {
    let dependencies: APIDependencies

    func register(on group: RouterGroup<HeraldRequestContext>) {
        group.post("messages", use: create)
        group.get("messages", use: list)
        group.get("messages/:id", use: show)
        group.get("messages/:id/attempts", use: attempts)
        group.post("messages/:id/cancel", use: cancel)
        group.post("messages/:id/retry", use: retry)
    }

    @Sendable func create(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let body = try await RequestDecoding.jsonObject(from: request, limit: dependencies.limits.maxBodyBytes)
        let headerKey = HTTPField.Name("idempotency-key").flatMap { request.headers[$0] }
        switch try await MessageIntake(dependencies: dependencies).accept(body, headerIdempotencyKey: headerKey, tenant: tenant) {
        case .created(let message):
            return JSONResponse.make(status: .accepted, json: MessageResponse.json(message))
        case .replayed(let message):
            return JSONResponse.make(status: .ok, json: MessageResponse.json(message))
        }
    }

    @Sendable func list(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let query = try MessageListRequest(request.uri.queryParameters, tenant: tenant, maxPageSize: dependencies.limits.maxPageSize).query
        let messages = try await dependencies.store.listMessages(query)
        let nextCursor: JSONValue = messages.count == query.limit
            ? messages.last.map { .string(MessageListCursor.encode($0.id)) } ?? .null
            : .null
        return JSONResponse.make(status: .ok, json: .object([
            "messages": .array(messages.map(MessageResponse.listItem)),
            "count": .number(Double(messages.count)),
            "limit": .number(Double(query.limit)),
            "offset": .number(Double(query.offset)),
            "next_cursor": nextCursor,
        ]))
    }

    @Sendable func show(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        JSONResponse.make(status: .ok, json: MessageResponse.json(try await dependencies.message(in: context)))
    }

    @Sendable func attempts(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let message = try await dependencies.message(in: context)
        let attempts = try await dependencies.store.attempts(messageID: message.id)
        return JSONResponse.make(status: .ok, json: AttemptResponse.list(messageID: message.id, attempts: attempts))
    }

    @Sendable func cancel(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let message = try await dependencies.message(in: context)
        let cancelled = try await change(message, "cancelled", allowedFrom: "scheduled or queued") { store, id, tenant, now in
            try await store.cancel(id: id, tenant: tenant, now: now)
        }
        return JSONResponse.make(status: .ok, json: MessageResponse.json(cancelled))
    }

    @Sendable func retry(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        let message = try await dependencies.message(in: context)
        let retried = try await change(message, "retried", allowedFrom: "failed") { store, id, tenant, now in
            try await store.retry(id: id, tenant: tenant, now: now)
        }
        return JSONResponse.make(status: .ok, json: MessageResponse.json(retried))
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
        } catch let error as StoreError where error.isIllegalTransition {
            throw APIError.invalidState("only \(allowed) messages can be \(verb); this one is \(message.status.rawValue)")
        } catch let error as StoreError where error.isNotFound {
            throw APIError.notFound("no message \(message.id)")
        }
    }
}

import Foundation
