import Foundation
import HTTPTypes
import Synchronization

/// What a provider sink received: the last ``capacity`` requests (path, headers with
/// credentials masked, body) for `GET /received`, and the counts for `GET /stats`.
public final class ReceivedLog: Sendable {
    /// One request as `GET /received` shows it.
    public struct Entry: Sendable, Codable, Hashable {
        public var method: String
        public var path: String
        public var headers: [String: String]
        public var body: String
        public var status: Int
    }

    /// The counts `GET /stats` shows.
    public struct Stats: Sendable, Codable, Hashable {
        public var received = 0
        public var accepted = 0
        public var failedOnPurpose = 0
        public var unauthorized = 0
        public var callbacksSent = 0
        public var callbacksFailed = 0

        enum CodingKeys: String, CodingKey {
            case received, accepted, unauthorized
            case failedOnPurpose = "failed_on_purpose"
            case callbacksSent = "callbacks_sent"
            case callbacksFailed = "callbacks_failed"
        }
    }

    public static let capacity = 1_000
    private let state = Mutex<(entries: [Entry], stats: Stats)>(([], Stats()))

    public init() {}

    /// The last requests, oldest first.
    public var entries: [Entry] { state.withLock { $0.entries } }
    public var stats: Stats { state.withLock { $0.stats } }

    func record(method: String, path: String, headers: HTTPFields, body: Data, status: Int) {
        var shown: [String: String] = [:]
        for field in headers { shown[field.name.canonicalName] = Self.masked(field.name.canonicalName, field.value) }
        let entry = Entry(method: method, path: path, headers: shown, body: String(decoding: body, as: UTF8.self), status: status)
        state.withLock { state in
            state.entries.append(entry)
            if state.entries.count > Self.capacity { state.entries.removeFirst(state.entries.count - Self.capacity) }
            state.stats.received += 1
            switch status {
            case 200..<300: state.stats.accepted += 1
            case 401: state.stats.unauthorized += 1
            default: state.stats.failedOnPurpose += 1
            }
        }
    }

    func callback(sent: Bool) {
        state.withLock { sent ? ($0.stats.callbacksSent += 1) : ($0.stats.callbacksFailed += 1) }
    }

    /// Credentials shown by their scheme only: `Bearer ****`, `Basic ****`.
    static func masked(_ name: String, _ value: String) -> String {
        guard name == "authorization" || name == "x-api-key" else { return value }
        let scheme = value.split(separator: " ", maxSplits: 1).first.map(String.init)
        return scheme.map { $0 == value ? "****" : "\($0) ****" } ?? "****"
    }
}
