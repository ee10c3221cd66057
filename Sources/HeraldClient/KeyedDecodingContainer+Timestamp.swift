import Foundation
import HeraldCore

extension KeyedDecodingContainer {
    /// An RFC 3339 time written as text, whatever the decoder's date strategy; `nil` when absent.
    /// - Throws: `DecodingError` when the text is not such a time.
    func decodeTimestampIfPresent(forKey key: Key) throws -> Date? {
        guard let text = try decodeIfPresent(String.self, forKey: key) else { return nil }
        guard let date = Timestamp.parse(text) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "not an RFC 3339 time: \(text)")
        }
        return date
    }
}
