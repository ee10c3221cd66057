public import HeraldCore
import NIOPosix
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The system's name resolver (`getaddrinfo`) on a thread pool of its own
/// (`outbound.resolver_threads`), not NIO's blocking pool (one thread per core): a resolver that
/// hangs holds only these threads, and a look-up that waits is given up when its caller is
/// cancelled — the thread finishes on its own — so an attempt's timeout covers it.
public final class SystemResolver: Sendable {
    private let pool: NIOThreadPool

    /// Eight threads for the process, started on first use: for library users and tests
    /// without a resolver of their own (like NIO's own singletons, it is never stopped).
    public static let shared = SystemResolver(threads: 8)

    /// Starts `threads` threads for look-ups; ``shutdown()`` stops them.
    public init(threads: Int) {
        pool = NIOThreadPool(numberOfThreads: max(1, threads))
        pool.start()
    }

    /// Every address of `host`.
    /// - Throws: the resolver's error; `CancellationError` when the caller is cancelled first.
    public func lookUp(_ host: String) async throws -> [IPAddress] {
        let answer = OneAnswer()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                answer.wait(with: continuation)
                pool.submit { state in
                    guard case .active = state else {
                        answer.give(.failure(CancellationError()))
                        return
                    }
                    answer.give(Result { try Self.getAddresses(host) })
                }
            }
        } onCancel: {
            answer.give(.failure(CancellationError()))
        }
    }

    /// Stops the threads once the look-ups under way end.
    public func shutdown() async {
        try? await pool.shutdownGracefully()
    }

    /// The first answer wins: the look-up's, or the cancellation's.
    private final class OneAnswer: Sendable {
        private let state = Mutex<(continuation: CheckedContinuation<[IPAddress], any Error>?, answer: Result<[IPAddress], any Error>?)>((nil, nil))

        func wait(with continuation: CheckedContinuation<[IPAddress], any Error>) {
            let early = state.withLock { state -> Result<[IPAddress], any Error>? in
                guard let answer = state.answer else {
                    state.continuation = continuation
                    return nil
                }
                return answer
            }
            if let early { continuation.resume(with: early) }
        }

        func give(_ result: Result<[IPAddress], any Error>) {
            let waiting = state.withLock { state -> CheckedContinuation<[IPAddress], any Error>? in
                guard state.answer == nil else { return nil }
                state.answer = result
                defer { state.continuation = nil }
                return state.continuation
            }
            waiting?.resume(with: result)
        }
    }

    private static func getAddresses(_ host: String) throws -> [IPAddress] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &list)
        guard status == 0 else { throw LookUpError(code: status) }
        defer { freeaddrinfo(list) }
        var addresses: [IPAddress] = []
        var entry = list
        while let current = entry {
            if let raw = current.pointee.ai_addr {
                switch Int32(raw.pointee.sa_family) {
                case AF_INET:
                    raw.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                        addresses.append(.v4(UInt32(bigEndian: $0.pointee.sin_addr.s_addr)))
                    }
                case AF_INET6:
                    raw.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                        addresses.append(.v6(withUnsafeBytes(of: $0.pointee.sin6_addr) { Array($0) }))
                    }
                default:
                    break
                }
            }
            entry = current.pointee.ai_next
        }
        return addresses
    }

    struct LookUpError: Error, CustomStringConvertible {
        var code: Int32
        var description: String { String(cString: gai_strerror(code)) }
    }
}
