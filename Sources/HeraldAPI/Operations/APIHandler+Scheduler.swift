import HeraldDispatcher

/// `/api/v1/scheduler/…`: pause and resume dispatching. Asking for the state it is already in
/// answers 400 with the `error` text the replaced dispatcher's clients compare against.
extension APIHandler {
    func startScheduler(_ input: Operations.StartScheduler.Input) async throws -> Operations.StartScheduler.Output {
        .ok(.init(body: .json(try resumeDispatching(ifRunning: "scheduler is already running", code: "SCHEDULER_ALREADY_RUNNING"))))
    }

    func stopScheduler(_ input: Operations.StopScheduler.Input) async throws -> Operations.StopScheduler.Output {
        .ok(.init(body: .json(try pauseDispatching(ifStopped: "scheduler is not running", code: "SCHEDULER_NOT_RUNNING"))))
    }

    /// Resumes dispatching for a tenant key's caller.
    /// - Throws: 400 with `text` when it already runs.
    func resumeDispatching(ifRunning text: String, code: String) throws -> Components.Schemas.SchedulerStatus {
        _ = try Caller.requireTenant()
        guard dependencies.dispatcher.resume() else { throw APIError.schedulerState(text, code: code) }
        return schedulerStatus()
    }

    /// Pauses dispatching for a tenant key's caller.
    /// - Throws: 400 with `text` when it is already paused.
    func pauseDispatching(ifStopped text: String, code: String) throws -> Components.Schemas.SchedulerStatus {
        _ = try Caller.requireTenant()
        guard dependencies.dispatcher.pause() else { throw APIError.schedulerState(text, code: code) }
        return schedulerStatus()
    }

    func schedulerStatus(_ input: Operations.SchedulerStatus.Input) async throws -> Operations.SchedulerStatus.Output {
        _ = try Caller.requireTenant()
        return .ok(.init(body: .json(schedulerStatus())))
    }

    private func schedulerStatus() -> Components.Schemas.SchedulerStatus {
        let status = dependencies.dispatcher.status
        return .init(status: status.paused ? .stopped : .running, running: !status.paused, inFlight: status.inFlight)
    }
}
