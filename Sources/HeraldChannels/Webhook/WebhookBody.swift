import HeraldCore

/// The JSON body a webhook carries: the message's own `payload` object when it has one, otherwise
/// Herald's envelope. Keys are sorted, so every attempt sends the same bytes.
enum WebhookBody {
    static func make(for message: Message) -> [UInt8] {
        if let payload = message.payload {
            return JSONWriter.bytes(payload)
        }
        var envelope: [String: JSONValue] = [
            "id": .string(message.id.rawValue),
            "type": .string("message"),
            "metadata": .object(message.metadata),
            "created_at": .string(Timestamp.format(message.createdAt)),
        ]
        if let recipient = message.recipient { envelope["to"] = .string(recipient) }
        if let content = message.content { envelope["content"] = .string(content) }
        return JSONWriter.bytes(.object(envelope))
    }
}
