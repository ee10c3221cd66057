public import HeraldCore

/// How many messages (and status events) stand in each status, over every process on the
/// database: kept by the database in the transaction that changes a status, so reading it is a
/// few rows whatever the size of the queue (what `/metrics` shows as `herald_queue_depth`).
public protocol QueueDepthStore: Sendable {
    /// The count of each status that has ever had a message (a status with none may be 0 or absent).
    func queueDepth() async throws -> [MessageStatus: Int]
}
