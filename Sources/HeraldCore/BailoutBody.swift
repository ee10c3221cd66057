/// A bailout event as a bot server's synthetic-event endpoint takes it:
/// `{"user", "page", "event": {"type": "bailout", "value": {"form", "metadata"}}}`, `metadata`
/// left out when there is none. Shared by the `botserver` channel and the client's
/// `BailoutSender`, so both speak exactly the same format.
public enum BailoutBody {
    public static func make(user: String, page: String, form: String, metadata: [String: JSONValue]) -> [UInt8] {
        var value: [String: JSONValue] = ["form": .string(form)]
        if !metadata.isEmpty { value["metadata"] = .object(metadata) }
        return JSONWriter.bytes(.object([
            "user": .string(user),
            "page": .string(page),
            "event": .object(["type": .string("bailout"), "value": .object(value)]),
        ]))
    }

    /// The body for a stored `botserver` message.
    public static func make(for message: Message) -> [UInt8] {
        make(user: message.recipient ?? "", page: message.page ?? "", form: message.form ?? "", metadata: message.metadata)
    }
}
