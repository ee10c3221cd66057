import Hummingbird
import HeraldCore
import HeraldDispatcher

/// `/api/v1/scheduler/…`: pause and resume dispatching. Asking for the state it is already in
/// answers 400 with the `error` text the replaced dispatcher's clients compare against.
struct SchedulerController {
    let dependencies: APIDependencies

    func register(on group: RouterGroup<HeraldRequestContext>) {
        group.post("scheduler/start", use: start)
        group.post("scheduler/stop", use: stop)
        group.get("scheduler/status", use: status)
    }

    @Sendable func start(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        _ = try context.requireTenant()
        guard dependencies.dispatcher.resume() else {
            throw APIError.schedulerState("scheduler is already running", code: "SCHEDULER_ALREADY_RUNNING")
        }
        return answer()
    }

    @Sendable func stop(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        _ = try context.requireTenant()
        guard dependencies.dispatcher.pause() else {
            throw APIError.schedulerState("scheduler is not running", code: "SCHEDULER_NOT_RUNNING")
        }
        return answer()
    }

    @Sendable func status(_ request: Request, context: HeraldRequestContext) async throws -> Response {
        _ = try context.requireTenant()
        return answer()
    }

    private func answer() -> Response {
        let status = dependencies.dispatcher.status
        return JSONResponse.make(status: .ok, json: .object([
            "status": .string(status.paused ? "stopped" : "running"),
            "running": .bool(!status.paused),
            "in_flight": .number(Double(status.inFlight)),
        ]))
    }
}
