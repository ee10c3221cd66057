import HeraldCore

// The generated answer types that the routes with their own conversion write with Herald's JSON
// writer. `AnswerJSONTests` checks each against what the generated conversion writes.

extension Components.Schemas.BatchResponse {
    /// The answer as JSON, as the generated conversion would write it.
    var json: JSONValue {
        .object([
            "accepted": .integer(Int64(accepted)),
            "existing": .integer(Int64(existing)),
            "rejected": .integer(Int64(rejected)),
            "results": .array(results.map { result in
                var fields: [String: JSONValue] = ["index": .integer(Int64(result.index)), "status": .string(result.status.rawValue)]
                fields["message_id"] = result.messageId.map(JSONValue.string)
                fields["message"] = result.message?.json
                fields["error"] = result.error?.json
                return .object(fields)
            }),
        ])
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
