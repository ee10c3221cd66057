import AsyncHTTPClient
import NIOCore

/// The connection pool the client commands talk to Herald through: a server that is not there
/// is reported within ``connectTimeout`` — one attempt, no retries of the connection (the shared
/// client's would go on until the call's whole timeout). Lives as long as the process.
enum CommandLineHTTPClient {
    static let connectTimeout = TimeAmount.seconds(5)

    static let shared: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.timeout.connect = connectTimeout
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()
}
