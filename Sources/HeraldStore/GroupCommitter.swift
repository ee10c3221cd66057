/// Coalesces concurrent writes into one transaction (group commit).
///
/// The first caller to arrive becomes the leader: it waits up to `window` for company, takes
/// everything queued (up to `maxBatch`), runs one `flush` for all of it, and hands each caller
/// its own result. Callers that arrive during a flush queue up; when the flush ends, the first
/// of them leads the next one. No task outlives its caller, and an idle system adds no delay
/// beyond `window`.
///
/// What waits is bounded: past `maxWaiting` (in ``weight`` units — messages, say) a new item
/// is refused at once with ``StoreError/busy(_:)`` instead of growing memory while the disk
/// falls behind. An item arriving at an empty queue is always taken, however heavy.
///
/// One caller's bad item does not fail the others': a batch whose flush throws an error
/// `splits` accepts (the database refused something in it, rather than being unreachable) is
/// flushed again in halves, down to the refused item alone, which alone gets the error.
///
/// A database that cannot be reached fails fast: once a flush fails with an error `unreachable`
/// accepts (it waited out the connection wait), what queued behind it gets that error at once
/// instead of each batch waiting its own turn at the same wait. From then on one item at a time
/// is let through to find out whether the database is back (a probe), and every other item
/// gets the error at once while a probe runs, until one succeeds.
///
/// The flush runs in a task of its own, awaited by the leader, not on the leader's task: a
/// leader whose task is cancelled (a send abandoned at shutdown) must not cancel the writes of
/// everyone in its batch (GRDB interrupts the write of a cancelled task).
package actor GroupCommitter<Item: Sendable, Output: Sendable> {
    /// Writes a batch; returns one output per item, in order.
    package typealias Flush = @Sendable ([Item]) async throws -> [Output]

    private enum Ticket {
        case done(Output)
        case lead
    }

    private struct Entry {
        var item: Item
        /// `nil` for the leader's own entry: the leader takes its output directly.
        var continuation: CheckedContinuation<Ticket, any Error>?
    }

    private let window: Duration
    private let maxBatch: Int
    private let maxWaiting: Int
    private let weight: @Sendable (Item) -> Int
    private let splits: @Sendable (any Error) -> Bool
    private let flush: Flush
    /// Told the weight of each batch flushed (for the batch-size metric).
    private let observe: @Sendable (Int) -> Void
    private var queue: [Entry] = []
    /// The weight of what waits in ``queue``.
    private var waiting = 0
    private var leaderActive = false
    private let unreachable: @Sendable (any Error) -> Bool
    /// While the database is unreachable: the error to answer with.
    private var outage: (any Error)?
    /// Whether an item is finding out if the database is back.
    private var probing = false

    /// - Parameters:
    ///   - splits: whether a flush that threw this error is worth retrying in halves (the
    ///     database refused a row); by default never.
    ///   - unreachable: whether a flush that threw this error found the database unreachable,
    ///     so writes fail fast until one succeeds; by default never.
    package init(
        window: Duration, maxBatch: Int, maxWaiting: Int = .max, weight: @escaping @Sendable (Item) -> Int = { _ in 1 },
        splits: @escaping @Sendable (any Error) -> Bool = { _ in false },
        unreachable: @escaping @Sendable (any Error) -> Bool = { _ in false },
        observe: @escaping @Sendable (Int) -> Void = { _ in }, flush: @escaping Flush
    ) {
        self.splits = splits
        self.unreachable = unreachable
        self.observe = observe
        self.window = window
        self.maxBatch = max(1, maxBatch)
        self.maxWaiting = max(1, maxWaiting)
        self.weight = weight
        self.flush = flush
    }

    /// Submits one item and returns its output once the batch holding it is committed.
    /// - Throws: ``StoreError/busy(_:)`` when too much waits already; the last flush's error
    ///   at once while the database is unreachable; else what the flush of its batch threw.
    package func submit(_ item: Item) async throws -> Output {
        let itemWeight = weight(item)
        guard queue.isEmpty || waiting + itemWeight <= maxWaiting else {
            throw StoreError.busy("\(waiting) writes wait for the database already (database.max_pending_writes is \(maxWaiting))")
        }
        if let outage {
            // One finds out whether the database is back; the rest fail fast meanwhile.
            guard !probing else { throw outage }
            probing = true
        }
        waiting += itemWeight
        if !leaderActive {
            leaderActive = true
            queue.append(Entry(item: item, continuation: nil))
            return try await lead()
        }
        let ticket: Ticket = try await withCheckedThrowingContinuation { continuation in
            queue.append(Entry(item: item, continuation: continuation))
        }
        switch ticket {
        case .done(let output):
            return output
        case .lead:
            return try await lead()
        }
    }

    /// Runs one flush for the head of the queue, which holds the leader's own entry.
    private func lead() async throws -> Output {
        if window > .zero, queue.count < maxBatch {
            try? await Task.sleep(for: window)
        }
        let take = min(queue.count, maxBatch)
        let batch = Array(queue.prefix(take))
        queue.removeFirst(take)
        let batchWeight = batch.reduce(0) { $0 + weight($1.item) }
        waiting -= batchWeight
        observe(batchWeight)

        let items = batch.map(\.item)
        let flush = flush
        let splits = splits
        // Not on this task: see the type's documentation. Awaited here, so it never outlives the leader.
        let results = await Task { await Self.write(items, flush: flush, splits: splits) }.value

        probing = false
        if case .failure(let error) = results.first, unreachable(error) {
            // Everything queued meanwhile would wait out the same connection wait, one batch
            // after another: answer it now.
            outage = error
            for entry in queue {
                waiting -= weight(entry.item)
                entry.continuation?.resume(throwing: error)
            }
            queue.removeAll()
        } else if results.contains(where: { if case .success = $0 { true } else { false } }) {
            outage = nil
        }

        // Hand leadership on before answering anyone, so the queue never stalls.
        if let next = queue.first?.continuation {
            queue[0].continuation = nil
            next.resume(returning: .lead)
        } else {
            leaderActive = false
        }

        var own: Result<Output, any Error>?
        for (entry, outcome) in zip(batch, results) {
            guard let continuation = entry.continuation else {
                own = outcome
                continue
            }
            switch outcome {
            case .success(let output): continuation.resume(returning: .done(output))
            case .failure(let error): continuation.resume(throwing: error)
            }
        }
        guard let own else { preconditionFailure("the leader's entry is always in its own batch") }
        return try own.get()
    }

    /// Flushes `items`; when the flush throws an error `splits` accepts, flushes each half on
    /// its own, so only the refused item gets the error.
    /// - Returns: one result per item, in order.
    private static func write(_ items: [Item], flush: Flush, splits: @Sendable (any Error) -> Bool) async -> [Result<Output, any Error>] {
        do {
            let outputs = try await flush(items)
            precondition(outputs.count == items.count, "a flush must return one output per item")
            return outputs.map { .success($0) }
        } catch {
            guard items.count > 1, splits(error) else { return items.map { _ in .failure(error) } }
            let half = items.count / 2
            return await write(Array(items[..<half]), flush: flush, splits: splits)
                + write(Array(items[half...]), flush: flush, splits: splits)
        }
    }
}
