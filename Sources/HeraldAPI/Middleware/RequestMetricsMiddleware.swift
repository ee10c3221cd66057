import HeraldMetrics
import Hummingbird

/// Times every request and records it under its route pattern (`/api/v1/messages/{id}`, never
/// the path itself, so ids do not become label values), method and status.
struct RequestMetricsMiddleware: RouterMiddleware {
    typealias Context = HeraldRequestContext
    let metrics: HeraldMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            record(request, context, status: response.status.code, since: start)
            return response
        } catch let error as any HTTPResponseError {
            record(request, context, status: error.status.code, since: start)
            throw error
        } catch {
            record(request, context, status: 500, since: start)
            throw error
        }
    }

    private func record(_ request: Request, _ context: Context, status: Int, since start: ContinuousClock.Instant) {
        metrics.httpRequest(
            method: request.method.rawValue, route: context.endpointPath ?? "unmatched", status: status, duration: .now - start
        )
    }
}
