import HTTPTypes
import AsyncHTTPClient
import Foundation
import HeraldCore
import HeraldTestSupport
import NIOCore
import NIOHTTP1
import HeraldSink
import Testing

/// The provider channels on the real binary: a `herald serve` with profiles pointing at fake
/// WhatsApp, Twilio and bot servers sends 300 mixed messages; each arrives exactly once, exactly
/// as the provider's API specifies, and every message ends `sent`.
struct ProviderChannelsProcessTests {
    static let key = "provider-process-key"
    static let admin = "provider-process-admin"
    static let total = 300

    @Test(.timeLimit(.minutes(3)))
    func threeHundredMixedMessagesArriveExactlyAsSpecified() async throws {
        let folder = try TemporaryDirectory.make()
        let provider = FakeProvider()
        try await provider.run { base in
            let server = try await HeraldProcess(database: folder.appendingPathComponent("herald.sqlite").path, environment: [
                "HERALD_API_KEY": Self.key, "HERALD_ADMIN_KEY": Self.admin, "HERALD_PUBLIC_URL": "https://herald.example.test",
            ])
            let sid = "AC" + String(repeating: "0f", count: 16)
            for profile in [
                #"{"name": "wa", "channel": "whatsapp", "default": true, "config": {"phone_number_id": "1065", "access_token": "wa-token", "base_url": "\#(base)"}}"#,
                #"{"name": "sms", "channel": "twilio", "default": true, "config": {"account_sid": "\#(sid)", "auth_token": "tw-token", "from": "+15005550006", "base_url": "\#(base)", "rate": 1000}}"#,
                #"{"name": "bot", "channel": "botserver", "default": true, "config": {"url": "\#(base)/synthetic", "rate": 1000}}"#,
            ] {
                let (status, body) = try await Self.call(.POST, "/api/v1/tenants/default/profiles", port: server.port, key: Self.admin, body: profile)
                #expect(status == .created, "\(body)")
            }

            var ids: [String] = []
            for index in 0..<Self.total {
                let body = switch index % 3 {
                case 0: #"{"channel": "whatsapp", "to": "+1415555\#(String(format: "%04d", index))", "content": "wa \#(index)"}"#
                case 1: #"{"channel": "twilio", "to": "+1415555\#(String(format: "%04d", index))", "content": "sms \#(index)"}"#
                default: #"{"channel": "botserver", "user": "u-\#(index)", "page": "p-\#(index)", "form": "survey", "metadata": {"i": \#(index)}}"#
                }
                let (status, answer) = try await Self.call(.POST, "/api/v1/messages", port: server.port, key: Self.key, body: body)
                #expect(status == .accepted, "\(answer)")
                if let id = answer["id"]?.stringValue { ids.append(id) }
            }
            #expect(ids.count == Self.total)

            let allSent = try await eventually(timeout: .seconds(60), every: .milliseconds(250)) {
                let (_, list) = try await Self.call(.GET, "/api/v1/messages?status=sent&limit=1000", port: server.port, key: Self.key)
                return list["messages"]?.arrayValue?.count == Self.total
            }
            #expect(allSent, "\(server.log.suffix(2000))")

            let requests = provider.requests
            let whatsapp = requests.filter { $0.path == "/v26.0/1065/messages" }
            let twilio = requests.filter { $0.path == "/2010-04-01/Accounts/\(sid)/Messages.json" }
            let bot = requests.filter { $0.path == "/synthetic" }
            #expect(requests.count == Self.total)
            #expect(whatsapp.count == 100 && twilio.count == 100 && bot.count == 100)

            let waBodies = Set(whatsapp.compactMap { JSONValue.decode($0.body) })
            #expect(whatsapp.allSatisfy { $0.headers[.authorization] == "Bearer wa-token" })
            let smsForms = twilio.map(\.form)
            let botBodies = Set(bot.compactMap { JSONValue.decode($0.body) })
            for index in 0..<Self.total {
                let phone = "+1415555" + String(format: "%04d", index)
                switch index % 3 {
                case 0:
                    #expect(waBodies.contains(.object([
                        "messaging_product": .string("whatsapp"), "recipient_type": .string("individual"), "to": .string(phone),
                        "type": .string("text"), "text": .object(["body": .string("wa \(index)")]),
                    ])), "whatsapp \(index)")
                case 1:
                    #expect(smsForms.filter { $0["Body"] == "sms \(index)" }.map { $0 } == [[
                        "To": phone, "From": "+15005550006", "Body": "sms \(index)",
                        "StatusCallback": "https://herald.example.test/api/v1/callbacks/twilio",
                    ]], "twilio \(index)")
                default:
                    #expect(botBodies.contains(.object([
                        "user": .string("u-\(index)"), "page": .string("p-\(index)"),
                        "event": .object(["type": .string("bailout"), "value": .object(["form": .string("survey"), "metadata": .object(["i": .integer(Int64(index))])])]),
                    ])), "bailout \(index)")
                }
            }
            #expect(server.log.contains("Successfully bailed user=u-2 page=p-2 to form=survey"))
            #expect(!server.log.contains("wa-token") && !server.log.contains("tw-token"))
            #expect(await server.terminate() == 0)
        }
    }

    static func call(_ method: HTTPMethod, _ path: String, port: Int, key: String, body: String? = nil) async throws -> (HTTPResponseStatus, JSONValue) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method
        request.headers.add(name: "authorization", value: "Bearer \(key)")
        if let body {
            request.headers.add(name: "content-type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let data = try await response.body.collect(upTo: 16 << 20)
        return (response.status, JSONValue.decode(Data(data.readableBytesView)) ?? .null)
    }
}
