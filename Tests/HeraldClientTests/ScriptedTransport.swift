import Foundation
import HeraldClient
import HeraldCore
import Synchronization

/// A deterministic flaky transport: answers each post from a script, in order (the last step
/// repeats), and records every request with its messages decoded.
final class ScriptedTransport: EmitterTransport {
    enum Step: Sendable {
        /// An answer with this status, body and headers.
        case answer(Int, body: String = "", headers: [String: String] = [:])
        /// Herald's batch answer: one result per message, by what `decide` says of each.
        case results(status: Int = 202, @Sendable (OutgoingMessage) -> ItemResult)
        /// No answer: the connection failed.
        case networkError
    }

    enum ItemResult: Sendable {
        case accepted
        case existing
        case rejected(code: String, field: String = "to")
    }

    struct Recorded: Sendable {
        var url: URL
        var headers: [String: String]
        var body: JSONValue
        /// The posted messages (Herald's `{"messages": [...]}` or a collector's bare array).
        var messages: [OutgoingMessage]
    }

    struct NetworkDown: Error {}

    private let steps: Mutex<[Step]>
    private let recorded = Mutex<[Recorded]>([])

    init(_ steps: [Step]) {
        self.steps = Mutex(steps)
    }

    var requests: [Recorded] { recorded.withLock { $0 } }

    func post(url: URL, headers: [String: String], body: [UInt8]) async throws -> EmitterResponse {
        let json = JSONValue.decode(body) ?? .null
        let list = json["messages"]?.arrayValue ?? json.arrayValue ?? []
        let messages = try list.map { try JSONDecoder().decode(OutgoingMessage.self, from: Data(JSONWriter.bytes($0))) }
        recorded.withLock { $0.append(Recorded(url: url, headers: headers, body: json, messages: messages)) }
        let step = steps.withLock { steps in steps.count > 1 ? steps.removeFirst() : steps[0] }
        switch step {
        case .answer(let status, let body, let headers):
            return EmitterResponse(status: status, headers: headers, body: Array(body.utf8))
        case .networkError:
            throw NetworkDown()
        case .results(let status, let decide):
            let results: [JSONValue] = messages.enumerated().map { index, message in
                switch decide(message) {
                case .accepted: .object(["index": .integer(Int64(index)), "status": .string("accepted")])
                case .existing: .object(["index": .integer(Int64(index)), "status": .string("existing")])
                case .rejected(let code, let field):
                    .object([
                        "index": .integer(Int64(index)), "status": .string("rejected"),
                        "error": .object([
                            "error": .string(code), "message": .string("refused: \(code)"),
                            "details": .array([.object(["field": .string(field), "code": .string("invalid"), "problem": .string("bad")])]),
                        ]),
                    ])
                }
            }
            return EmitterResponse(status: status, body: JSONWriter.bytes(.object(["results": .array(results)])))
        }
    }
}
