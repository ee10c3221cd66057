import GRDB
import HeraldStore

/// An enqueue call with each message's insert arguments already built: building them (the
/// payload and metadata written as JSON text) is most of an insert's CPU time, and done before
/// the group commit it runs beside other requests instead of on the one writer.
struct PreparedEnqueue: Sendable {
    let request: EnqueueRequest
    /// ``MessageRow/arguments(_:)`` of each message, in order.
    let arguments: [StatementArguments]

    init(_ request: EnqueueRequest) {
        self.request = request
        arguments = request.messages.map(MessageRow.arguments)
    }
}
