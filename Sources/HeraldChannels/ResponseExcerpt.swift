import AsyncHTTPClient
import HeraldCore
import NIOCore

/// Keeps the first bytes of a provider's answer for the delivery log, reading no more than
/// needed, cleaned to text any database stores (``StorableText``).
enum ResponseExcerpt {
    static func read(_ body: HTTPClientResponse.Body, limit: Int) async -> String? {
        var kept = [UInt8]()
        do {
            for try await chunk in body {
                kept.append(contentsOf: chunk.readableBytesView.prefix(limit - kept.count))
                if kept.count >= limit { break }
            }
        } catch {
            // The status already decided the outcome; a broken body only shortens the excerpt.
        }
        guard !kept.isEmpty else { return nil }
        return StorableText.clean(bytes: kept, limit: limit)
    }
}
