import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A small TCP proxy of the fault suite's own, on loopback, between Herald and a receiver: it
/// passes bytes through, or — on command — resets every connection (new ones at accept, and
/// the open ones at once), or stalls them (accepts, then forwards nothing). Blocking sockets on
/// threads of their own, never the concurrency pool's.
final class FaultProxy: Sendable {
    enum Mode: Sendable { case pass, reset, stall }

    private struct State {
        var mode = Mode.pass
        /// Client sockets being piped (their threads close them), to cut on command.
        var open: Set<Int32> = []
        /// Client sockets held silent (the proxy closes them).
        var stalled: Set<Int32> = []
        var stopped = false
    }

    let port: Int
    private let listener: Int32
    private let upstreamPort: Int
    private let state = Mutex(State())

    init(upstreamPort: Int) throws {
        self.upstreamPort = upstreamPort
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var yes: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = Self.loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(descriptor, 128) == 0 else {
            close(descriptor)
            throw ProcessFailure(message: "the fault proxy could not listen")
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) } }
        listener = descriptor
        port = Int(UInt16(bigEndian: actual.sin_port))
        let proxy = self
        Thread.detachNewThread { proxy.acceptLoop() }
    }

    /// Where clients connect: the proxy's address with `path`.
    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    /// Switches mode; `reset` also resets every open connection at once.
    func set(_ mode: Mode) {
        let (piped, stalled) = state.withLock { state in
            state.mode = mode
            guard mode == .reset else { return (Set<Int32>(), Set<Int32>()) }
            defer { state.stalled = [] }
            return (state.open, state.stalled)
        }
        cut(piped: piped, stalled: stalled)
    }

    func stop() {
        let (piped, stalled) = state.withLock { state in
            state.stopped = true
            defer { state.stalled = [] }
            return (state.open, state.stalled)
        }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
        cut(piped: piped, stalled: stalled)
    }

    /// Piped sockets: made to reset, and shut so their threads end and close them. Stalled
    /// ones: reset and closed here.
    private func cut(piped: Set<Int32>, stalled: Set<Int32>) {
        for descriptor in piped {
            Self.lingerZero(descriptor)
            shutdown(descriptor, Int32(SHUT_RDWR))
        }
        for descriptor in stalled { Self.reset(descriptor) }
    }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            guard client >= 0 else { return }
            let mode = state.withLock { state -> Mode? in
                guard !state.stopped else { return nil }
                switch state.mode {
                case .pass: state.open.insert(client)
                case .stall: state.stalled.insert(client)
                case .reset: break
                }
                return state.mode
            }
            switch mode {
            case nil, .reset?:
                Self.reset(client)
            case .stall?:
                break  // Held open, silent, until the mode changes to reset or the proxy stops.
            case .pass?:
                let proxy = self
                Thread.detachNewThread { proxy.pipe(client) }
            }
        }
    }

    private func pipe(_ client: Int32) {
        let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = Self.loopback(port: upstreamPort)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(upstream)
            forget(client)
            Self.reset(client)
            return
        }
        // Closed only here, once both directions ended: never twice, never another's number.
        let done = Mutex(false)
        let finish: @Sendable () -> Void = { [self] in
            let first = done.withLock { done -> Bool in
                defer { done = true }
                return !done
            }
            guard first else { return }
            shutdown(upstream, Int32(SHUT_RDWR))
            shutdown(client, Int32(SHUT_RDWR))
            forget(client)
        }
        Thread.detachNewThread {
            Self.copy(from: upstream, to: client)
            finish()
        }
        Self.copy(from: client, to: upstream)
        finish()
        // Both directions have ended once the second copy returns; give the other a moment.
        usleep(50_000)
        close(upstream)
        close(client)
    }

    private func forget(_ descriptor: Int32) {
        _ = state.withLock { $0.open.remove(descriptor) }
    }

    private static func copy(from source: Int32, to target: Int32) {
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while true {
            let count = recv(source, &buffer, buffer.count, 0)
            guard count > 0 else { return }
            var sent = 0
            while sent < count {
                let written = buffer[sent..<count].withUnsafeBytes { send(target, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                guard written > 0 else { return }
                sent += written
            }
        }
    }

    /// Closes with a TCP reset (linger 0), as a crashed peer or a middlebox would.
    private static func reset(_ descriptor: Int32) {
        lingerZero(descriptor)
        close(descriptor)
    }

    /// Makes the socket's close send a reset instead of a FIN.
    private static func lingerZero(_ descriptor: Int32) {
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }
}
