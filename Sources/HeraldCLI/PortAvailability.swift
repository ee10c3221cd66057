import NIOCore
import NIOPosix

/// Finds out, before anything starts, whether `herald serve` can listen where it is told: a
/// port another process listens on stops start-up with a sentence that says what to do, and
/// nothing — migrations, the dispatcher — has run. (The server binds again for real a moment
/// later; a process that takes the port in between still gets the bind error.)
enum PortAvailability {
    /// - Throws: an exit with status 78 when `port` is taken on `host`; nothing for port 0.
    static func check(host: String, port: Int) async throws {
        guard port != 0 else { return }
        let channel: any Channel
        do {
            channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .bind(host: host, port: port)
                .get()
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            throw StartupFailure.exit("port \(port) is already in use: choose another with --port or HERALD_PORT")
        } catch let error as IOError where error.errnoCode == EACCES {
            throw StartupFailure.exit("port \(port) needs privileges this process does not have: choose one above 1023 with --port or HERALD_PORT")
        } catch {
            // Anything else (an address not on this machine, say) the server's own bind reports.
            return
        }
        try await channel.close()
    }
}
