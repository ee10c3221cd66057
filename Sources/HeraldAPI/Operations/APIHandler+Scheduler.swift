import HeraldCore
import HeraldDispatcher
import HeraldStore
import Logging

/// `/api/v1/scheduler/…`: pause and resume dispatching — a tenant's key its own tenant's, the
/// admin key the whole server's. Pauses are stored, so every process on the database follows
/// them and they outlast restarts. Asking for the state it is already in answers 400 with the
/// `error` text the replaced dispatcher's clients compare against.
extension APIHandler {
    func startScheduler(_ input: Operations.StartScheduler.Input) async throws -> Operations.StartScheduler.Output {
        .ok(.init(body: .json(try await resumeDispatching(ifRunning: "scheduler is already running", code: "SCHEDULER_ALREADY_RUNNING"))))
    }

    func stopScheduler(_ input: Operations.StopScheduler.Input) async throws -> Operations.StopScheduler.Output {
        .ok(.init(body: .json(try await pauseDispatching(ifStopped: "scheduler is not running", code: "SCHEDULER_NOT_RUNNING"))))
    }

    func schedulerStatus(_ input: Operations.SchedulerStatus.Input) async throws -> Operations.SchedulerStatus.Output {
        .ok(.init(body: .json(try await schedulerStatus(of: try Caller.pauseScope()))))
    }

    /// Resumes the caller's scope.
    /// - Throws: 400 with `text` when it was not paused.
    func resumeDispatching(ifRunning text: String, code: String) async throws -> Components.Schemas.SchedulerStatus {
        let scope = try Caller.pauseScope()
        guard try await dependencies.dispatcher.setPaused(false, scope) else { throw APIError.schedulerState(text, code: code) }
        dependencies.logger.notice("dispatching resumed", metadata: ["scope": "\(scope.storedKey)"])
        return try await schedulerStatus(of: scope)
    }

    /// Pauses the caller's scope.
    /// - Throws: 400 with `text` when it was paused already.
    func pauseDispatching(ifStopped text: String, code: String) async throws -> Components.Schemas.SchedulerStatus {
        let scope = try Caller.pauseScope()
        guard try await dependencies.dispatcher.setPaused(true, scope) else { throw APIError.schedulerState(text, code: code) }
        dependencies.logger.notice("dispatching paused", metadata: ["scope": "\(scope.storedKey)"])
        return try await schedulerStatus(of: scope)
    }

    private func schedulerStatus(of scope: PauseScope) async throws -> Components.Schemas.SchedulerStatus {
        let pauses = try await dependencies.dispatcher.pauses.current()
        let running = !pauses.stops(scope)
        return .init(
            status: running ? .running : .stopped, running: running, inFlight: dependencies.dispatcher.messagesInFlight,
            scope: scope == .server ? .server : .tenant, serverPaused: pauses.server, tenantPaused: pauses.tenantPause(scope)
        )
    }
}

extension DispatchPauses {
    /// Whether dispatching stops for `scope`: the server's pause stops every tenant.
    func stops(_ scope: PauseScope) -> Bool {
        switch scope {
        case .server: server
        case .tenant(let id): holds(id)
        }
    }

    /// A tenant scope's own pause; `nil` for the server's.
    func tenantPause(_ scope: PauseScope) -> Bool? {
        if case .tenant(let id) = scope { tenants.contains(id) } else { nil }
    }
}
