import HeraldDispatcher

/// `/api/v1/scheduler/…`: pause and resume dispatching. Asking for the state it is already in
/// answers 400 with the `error` text the replaced dispatcher's clients compare against.
extension APIHandler {
    func startScheduler(_ input: Operations.StartScheduler.Input) async throws -> Operations.StartScheduler.Output {
        _ = try Caller.requireTenant()
        guard dependencies.dispatcher.resume() else {
            throw APIError.schedulerState("scheduler is already running", code: "SCHEDULER_ALREADY_RUNNING")
        }
        return .ok(.init(body: .json(schedulerStatus())))
    }

    func stopScheduler(_ input: Operations.StopScheduler.Input) async throws -> Operations.StopScheduler.Output {
        _ = try Caller.requireTenant()
        guard dependencies.dispatcher.pause() else {
            throw APIError.schedulerState("scheduler is not running", code: "SCHEDULER_NOT_RUNNING")
        }
        return .ok(.init(body: .json(schedulerStatus())))
    }

    func schedulerStatus(_ input: Operations.SchedulerStatus.Input) async throws -> Operations.SchedulerStatus.Output {
        _ = try Caller.requireTenant()
        return .ok(.init(body: .json(schedulerStatus())))
    }

    func schedulerStatus() -> Components.Schemas.SchedulerStatus {
        let status = dependencies.dispatcher.status
        return .init(status: status.paused ? .stopped : .running, running: !status.paused, inFlight: status.inFlight)
    }
}
