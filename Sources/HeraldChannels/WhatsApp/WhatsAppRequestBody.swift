import HeraldCore

/// The Cloud API's send body: `{"messaging_product": .string("whatsapp"), "recipient_type": .string("individual"),
/// "to", "type": "text", "text": {"body"}}`, or `"type": "template"` with
/// `{"name", "language": {"code"}, "components"}` when the message carries a template.
enum WhatsAppRequestBody {
    static func make(for message: Message) -> [UInt8] {
        var body: [String: JSONValue] = [
            "messaging_product": .string("whatsapp"),
            "recipient_type": .string("individual"),
            "to": .string(message.recipient ?? ""),
        ]
        if let template = message.template?.objectValue {
            var kept: [String: JSONValue] = ["name": template["name"] ?? .null, "language": template["language"] ?? .null]
            if let components = template["components"] { kept["components"] = components }
            body["type"] = .string("template")
            body["template"] = .object(kept)
        } else {
            body["type"] = .string("text")
            body["text"] = .object(["body": .string(message.content ?? "")])
        }
        return JSONWriter.bytes(.object(body))
    }
}
