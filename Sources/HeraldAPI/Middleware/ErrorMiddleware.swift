import Foundation
import HTTPTypes
import Hummingbird
import HeraldStore
import Logging
import NIOCore
import OpenAPIRuntime

/// Gives every failure the API's one error shape: known errors keep their status, Hummingbird's
/// own (unknown route, wrong method) are reshaped, and anything unexpected is logged with a
/// request id and answered 500 with that id only.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            return try translate(error).response(from: request, context: context)
        }
    }

    private func translate(_ error: any Error) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as HTTPError:
            return APIError(
                error.status, code: Self.code(for: error.status),
                message: error.body ?? Self.message(for: error.status), headers: error.headers
            )
        case let error as ServerError:
            // The generated server wraps what a handler threw; a request it could not read
            // itself (a bad parameter, an unacceptable media type) carries a 4xx status.
            guard error.httpStatus.kind == .clientError else { return translate(error.underlyingError) }
            return APIError(error.httpStatus, code: Self.code(for: error.httpStatus), message: "\(error.underlyingError)")
        case is NIOTooManyBytesError:
            return APIError(.contentTooLarge, code: "body_too_large", message: "the request body is too large")
        case let error as StoreError where error.isBusy:
            logger.warning("write queue full; answering 503", metadata: ["error": "\(error)"])
            return .storeBusy
        case let error as StoreError where error.isUnavailable:
            logger.warning("store unavailable", metadata: ["error": "\(error)"])
            return .storeUnavailable
        case let error as StoreError where error.isInvalidData:
            logger.notice("the database refused a value", metadata: ["error": "\(error)"])
            return APIError(.unprocessableContent, code: "invalid_data", message: "the database cannot store a value of this request: \(error.message)")
        case let error as StoreError where error.isConflict:
            logger.notice("the database refused a change", metadata: ["error": "\(error)"])
            return APIError(.conflict, code: "conflict", message: "the change conflicts with what is stored: \(error.message)")
        default:
            let requestID = "req_" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
            logger.error("unexpected failure", metadata: ["request_id": "\(requestID)", "error": "\(error)"])
            return APIError(.internalServerError, code: "internal_error", message: "unexpected failure; quote \(requestID) when reporting it")
        }
    }

    private static func code(for status: HTTPResponse.Status) -> String {
        switch status {
        case .notFound: "not_found"
        case .methodNotAllowed: "method_not_allowed"
        case .badRequest: "bad_request"
        case .contentTooLarge: "body_too_large"
        case .unsupportedMediaType: "unsupported_media_type"
        case .notAcceptable: "not_acceptable"
        default: "http_\(status.code)"
        }
    }

    private static func message(for status: HTTPResponse.Status) -> String {
        switch status {
        case .notFound: "no such route; see the README for the API"
        case .methodNotAllowed: "this route does not accept that method"
        default: status.reasonPhrase
        }
    }
}
