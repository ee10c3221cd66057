import Foundation
import HeraldCore
import OpenAPIRuntime

/// Writes and reads times in the generated interface as the rest of the API does: RFC 3339 in
/// UTC with milliseconds (`2026-11-23T15:04:05.123Z`); reading also takes whole seconds.
struct HeraldDateTranscoder: DateTranscoder {
    func encode(_ date: Date) throws -> String {
        Timestamp.format(date)
    }

    func decode(_ text: String) throws -> Date {
        guard let date = Timestamp.parse(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "\(text) is not an RFC 3339 time"))
        }
        return date
    }
}
