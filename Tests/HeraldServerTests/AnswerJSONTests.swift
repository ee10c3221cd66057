import Foundation
@testable import HeraldAPI
import HeraldCore
import Testing

/// The answers the ingest routes write with Herald's JSON writer are what the generated
/// conversion (Foundation's encoder on the generated types) would write.
struct AnswerJSONTests {
    /// What the generated conversion writes for `value`, read back.
    static func generated(_ value: some Encodable) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(value))
    }

    static let message = MessageAnswer(MessageAnswerTests.messages[0], providerIDField: "whatsapp_message_id")

    @Test func batchAnswers() throws {
        let batch = Components.Schemas.BatchResponse(
            accepted: 1, existing: 1, rejected: 2,
            results: [
                .init(index: 0, status: .accepted, messageId: "msg_1", message: Self.message),
                .init(index: 1, status: .existing, messageId: "msg_2", message: Self.message),
                .init(index: 2, status: .rejected, error: .init(APIError.validation([
                    FieldProblem(field: "messages[2].priority", code: "out_of_range", problem: "must be between -100 and 100"),
                ]))),
                .init(index: 3, status: .rejected, error: .init(APIError.quotaExceeded(Quota(limit: 5, period: .day), now: Date(timeIntervalSince1970: 1_800_000_000)))),
            ]
        )
        let written = try JSONParser.parse(batch.jsonBytes)
        #expect(written == (try Self.generated(batch)))
        #expect(batch.jsonBytes == JSONWriter.bytes(written), "the batch answer is written in key order, as JSONWriter writes it")
        #expect(batch.results[3].error?.json["code"] == .string("QUOTA_EXCEEDED"))
    }

    @Test(arguments: [
        APIError.invalidJSON("the body is not valid JSON"),
        APIError.validation([FieldProblem(field: "messages", code: "missing", problem: "must be an array of messages")]),
        APIError.quotaExceeded(Quota(limit: 1, period: .month), now: Date(timeIntervalSince1970: 1_800_000_000)),
    ])
    func errorAnswers(_ error: APIError) throws {
        let answer = Components.Schemas._Error(error)
        #expect(answer.json == (try Self.generated(answer)))
        #expect(answer.json == error.json)
    }

    @Test(arguments: [nil, "whatsapp_message_id", "provider_message_id", "a_first_field"])
    func messageAnswers(providerIDField: String?) throws {
        for message in MessageAnswerTests.messages {
            let answer = MessageAnswer(message, providerIDField: providerIDField)
            #expect(answer.json == (try Self.generated(answer)))
            var written: [UInt8] = []
            answer.write(into: &written)
            #expect(written == JSONWriter.bytes(answer.json), "members in key order, as JSONWriter writes them")
            #expect(answer.members.count == answer.json.objectValue?.count, "no key twice")
            if let providerIDField {
                #expect(answer.json[providerIDField] == message.providerMessageID.map(JSONValue.string) ?? .null)
            }
        }
    }

    @Test func aMessageAnswerReadBackIsTheSame() throws {
        let answer = Self.message
        let decoded = try JSONDecoder().decode(MessageAnswer.self, from: JSONEncoder().encode(answer))
        #expect(decoded == answer)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(MessageAnswer.self, from: Data("[1]".utf8)) }
    }
}
