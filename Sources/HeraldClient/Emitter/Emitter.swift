/// Fire-and-forget sending: hand messages over without waiting for the server, and trust the
/// emitter to deliver them (batched, retried) or account for each one it could not.
/// ``BatchEmitter`` is the one Herald ships; an application may supply its own.
public protocol Emitter: Sendable {
    /// Puts a message in the buffer and returns at once — or, when the buffer is full and its
    /// policy is to wait, as soon as there is room.
    func add(_ message: OutgoingMessage) async

    /// Returns when everything added before the call has been sent or has definitively failed.
    func flush() async

    /// Sends what it can within `deadline`, stops, and returns the messages it could not send.
    func close(deadline: Duration) async -> [OutgoingMessage]
}
