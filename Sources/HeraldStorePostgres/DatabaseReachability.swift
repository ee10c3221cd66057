import Synchronization

/// Whether the database answered the last time a connection was wanted, shared by every call of
/// one store: once a call waited out the connection wait for nothing, the next ones would each
/// wait it out again in turn — a request reading its tenant, then its profiles, then writing,
/// waited three times, and answered only after the database was back. So for ``quiet`` after
/// such a miss every call is answered `store_unavailable` at once; after it, one call at a time
/// finds out whether the database is back (a probe) while the others still fail at once, until
/// a call gets a connection again. Only a store that has had a connection fails fast: before the
/// first one (a database still starting), every call waits as long as it may.
final class DatabaseReachability: Sendable {
    private struct State {
        var everReached = false
        var unreachable = false
        var quietUntil: ContinuousClock.Instant?
        var probing = false
    }

    /// How long after a miss every call fails at once.
    let quiet: Duration
    private let state = Mutex(State())

    init(quiet: Duration = .seconds(1)) {
        self.quiet = quiet
    }

    /// What a call may do now.
    enum Admission {
        /// Go ahead: the database answered last time.
        case proceed
        /// Go ahead and find out; report the outcome with ``reached()`` or ``missed()``, or
        /// ``abandoned()`` when the call ended otherwise.
        case probe
        /// Fail at once: another call is finding out.
        case failFast
    }

    func admit() -> Admission {
        let now = ContinuousClock.now
        return state.withLock { state in
            guard state.unreachable else { return .proceed }
            if let until = state.quietUntil, now < until { return .failFast }
            guard !state.probing else { return .failFast }
            state.probing = true
            return .probe
        }
    }

    /// A call got a connection.
    func reached() {
        state.withLock { $0 = State(everReached: true) }
    }

    /// A call waited out the connection wait, or the database refused the connection.
    func missed() {
        let until = ContinuousClock.now + quiet
        state.withLock { state in
            state.probing = false
            guard state.everReached else { return }
            state.unreachable = true
            state.quietUntil = until
        }
    }

    /// A probe ended without saying either way (it was cancelled, say): let another try.
    func abandoned() {
        state.withLock { $0.probing = false }
    }
}
