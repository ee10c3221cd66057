import HeraldCore

/// A bailout event as the bot server's synthetic-event endpoint takes it:
/// `{"user", "page", "event": {"type": "bailout", "value": {"form", "metadata"}}}`, `metadata`
/// left out when the message has none.
enum BailoutBody {
    static func make(for message: Message) -> [UInt8] {
        var value: [String: JSONValue] = ["form": .string(message.form ?? "")]
        if !message.metadata.isEmpty { value["metadata"] = .object(message.metadata) }
        return JSONWriter.bytes(.object([
            "user": .string(message.recipient ?? ""),
            "page": .string(message.page ?? ""),
            "event": .object(["type": .string("bailout"), "value": .object(value)]),
        ]))
    }
}
