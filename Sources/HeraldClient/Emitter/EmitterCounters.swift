/// What a ``BatchEmitter`` has done so far.
public struct EmitterCounters: Sendable, Hashable {
    /// Messages handed to ``BatchEmitter/add(_:)`` and kept.
    public var added = 0
    /// Messages Herald (or the collector) accepted, replays of earlier ones included.
    public var sent = 0
    /// Messages that definitively failed: refused, or out of retries.
    public var failed = 0
    /// Batch attempts that will be tried again.
    public var retried = 0
    /// Messages dropped because the buffer was full.
    public var dropped = 0
    /// Messages waiting or in flight now.
    public var buffered = 0

    public init() {}
}
