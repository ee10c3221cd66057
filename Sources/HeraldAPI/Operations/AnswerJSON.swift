import HeraldCore

// The generated answer types that the routes with their own conversion write with Herald's JSON
// writer. `AnswerJSONTests` checks each against what the generated conversion writes.

extension Components.Schemas.BatchResponse {
    /// The answer as JSON, as the generated conversion would write it but with sorted keys (the
    /// bytes ``JSONWriter`` writes for the same value), written member by member in key order
    /// without building the value: a batch answer holds up to a thousand messages.
    var jsonBytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64 + results.count * 1_024)
        out.append(UInt8(ascii: "{"))
        JSONWriter.writeKey("accepted", into: &out)
        JSONWriter.write(.integer(Int64(accepted)), into: &out)
        out.append(UInt8(ascii: ","))
        JSONWriter.writeKey("existing", into: &out)
        JSONWriter.write(.integer(Int64(existing)), into: &out)
        out.append(UInt8(ascii: ","))
        JSONWriter.writeKey("rejected", into: &out)
        JSONWriter.write(.integer(Int64(rejected)), into: &out)
        out.append(UInt8(ascii: ","))
        JSONWriter.writeKey("results", into: &out)
        out.append(UInt8(ascii: "["))
        for index in results.indices {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            let result = results[index]
            // Members in key order: error, index, message, message_id, status.
            out.append(UInt8(ascii: "{"))
            if let error = result.error {
                JSONWriter.writeKey("error", into: &out)
                JSONWriter.write(error.json, into: &out)
                out.append(UInt8(ascii: ","))
            }
            JSONWriter.writeKey("index", into: &out)
            JSONWriter.write(.integer(Int64(result.index)), into: &out)
            if let message = result.message {
                out.append(UInt8(ascii: ","))
                JSONWriter.writeKey("message", into: &out)
                message.write(into: &out)
            }
            if let messageID = result.messageId {
                out.append(UInt8(ascii: ","))
                JSONWriter.writeKey("message_id", into: &out)
                JSONWriter.write(.string(messageID), into: &out)
            }
            out.append(UInt8(ascii: ","))
            JSONWriter.writeKey("status", into: &out)
            JSONWriter.write(.string(result.status.rawValue), into: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(contentsOf: "]}".utf8)
        return out
    }
}

extension Components.Schemas._Error {
    /// The error as JSON, as the generated conversion would write it.
    var json: JSONValue {
        var fields: [String: JSONValue] = ["error": .string(error), "message": .string(message)]
        fields["code"] = code.map(JSONValue.string)
        fields["details"] = details.map { details in
            .array(details.map { .object(["field": .string($0.field), "code": .string($0.code), "problem": .string($0.problem)]) })
        }
        return .object(fields)
    }
}
