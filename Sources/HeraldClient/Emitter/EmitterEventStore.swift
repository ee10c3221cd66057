/// Where a ``BatchEmitter`` keeps messages until they are sent or have definitively failed:
/// bounded, oldest first. Messages are *waiting* until ``take(_:)`` hands them to a send, then
/// *taken* until ``finish(_:)`` forgets them or ``release(_:)`` makes them waiting again.
/// ``BoundedMemoryEventStore`` is the default; `HeraldClientDurable` keeps them in a SQLite file.
public protocol EmitterEventStore: Sendable {
    /// The most messages it holds, waiting and taken together.
    var capacity: Int { get }
    /// Keeps a message.
    /// - Returns: its id (increasing), or `nil` when the store is full.
    func add(_ message: OutgoingMessage) async throws -> Int64?
    /// Forgets the oldest waiting message, to make room.
    /// - Returns: its id, or `nil` when every message is taken.
    func dropOldest() async throws -> Int64?
    /// Up to `limit` of the oldest waiting messages, now taken.
    func take(_ limit: Int) async throws -> [StoredMessage]
    /// Forgets messages that were sent or definitively failed.
    func finish(_ ids: [Int64]) async throws
    /// Makes taken messages waiting again (their send was stopped).
    func release(_ ids: [Int64]) async throws
    /// Every message held, waiting and taken, oldest first.
    func all() async throws -> [StoredMessage]
}

/// A message as an event store holds it.
public struct StoredMessage: Sendable, Hashable {
    public var id: Int64
    public var message: OutgoingMessage

    public init(id: Int64, message: OutgoingMessage) {
        self.id = id
        self.message = message
    }
}
