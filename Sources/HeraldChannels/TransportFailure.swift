import AsyncHTTPClient
import HeraldCore
import NIOCore
import NIOPosix

/// Turns a failure to get any answer into a retry with a short, log-safe reason.
enum TransportFailure {
    static func outcome(for error: any Error) -> DeliveryOutcome {
        if let error = error as? HTTPClientError {
            switch error {
            case .invalidURL, .emptyHost, .emptyScheme:
                return .failed(reason: "invalid URL")
            case .deadlineExceeded, .readTimeout, .writeTimeout:
                return .retry(reason: "timed out", after: nil, throttled: true)
            case .connectTimeout:
                return .retry(reason: "connect timed out", after: nil, throttled: true)
            case .remoteConnectionClosed:
                return .retry(reason: "connection closed by the endpoint", after: nil)
            default:
                return .retry(reason: shorten(String(describing: error)), after: nil)
            }
        }
        if error is NIOConnectionError {
            return .retry(reason: "connection refused", after: nil)
        }
        if let error = error as? IOError {
            return .retry(reason: shorten("I/O error: \(error.description)"), after: nil)
        }
        if error is CancellationError {
            return .retry(reason: "cancelled", after: nil)
        }
        return HTTPOutcomeClassifier.classify(transportFailure: shorten(String(describing: error)))
    }

    private static func shorten(_ text: String) -> String {
        text.count <= 200 ? text : String(text.prefix(200)) + "…"
    }
}
