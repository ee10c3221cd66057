/// What ``BatchEmitter/add(_:)`` does when the buffer is full. Each message it drops is counted.
public enum BufferFullPolicy: Sendable, Hashable {
    /// Wait for room (backpressure): the caller slows to the rate messages leave.
    case wait
    /// Make room by dropping the oldest waiting message.
    case dropOldest
    /// Drop the message being added.
    case dropNewest
}
