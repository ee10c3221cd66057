/// How the SQLite driver opens and writes its file.
public struct SQLiteConfiguration: Sendable, Hashable {
    /// SQLite's `synchronous` setting: how hard a commit waits for the disk.
    public enum Durability: String, Sendable, Hashable, CaseIterable {
        /// fsync on every commit: survives a killed process and a power loss. The default.
        case full
        /// fsync at checkpoints only: survives a killed process; a power loss may lose the last commits.
        case normal
        /// No fsync: for throw-away data only.
        case off
    }

    /// The database file.
    public var path: String
    public var durability: Durability
    /// How long the leader of a group commit waits for company before writing.
    public var groupCommitWindow: Duration
    /// The most writes one group commit takes.
    public var groupCommitMaxBatch: Int
    /// The most messages waiting to be stored; past it an enqueue fails at once with
    /// ``StoreError/busy(_:)`` (backpressure) instead of memory growing.
    public var maxPendingWrites = 20_000
    /// How long a write waits for another process's lock before failing.
    public var busyTimeout: Duration

    public init(
        path: String,
        durability: Durability = .full,
        groupCommitWindow: Duration = .microseconds(200),
        groupCommitMaxBatch: Int = 1000,
        busyTimeout: Duration = .seconds(5)
    ) {
        self.path = path
        self.durability = durability
        self.groupCommitWindow = groupCommitWindow
        self.groupCommitMaxBatch = groupCommitMaxBatch
        self.busyTimeout = busyTimeout
    }
}
