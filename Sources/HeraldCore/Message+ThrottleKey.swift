import Foundation

extension Message {
    /// What the message's sending rate is first counted against, stored with the message so a
    /// claim can leave out messages whose bucket is empty: `profile:<id>` when it has a sender
    /// profile, else `host:<host>` of its URL, else `nil` (no limit).
    public var throttleKey: String? {
        if let profileID { return Self.profileThrottleKey(profileID) }
        if let url, let host = URLComponents(string: url)?.host, !host.isEmpty {
            return Self.hostThrottleKey(host)
        }
        return nil
    }

    /// The bucket key of a sender profile.
    public static func profileThrottleKey(_ id: ProfileID) -> String { "profile:\(id.rawValue)" }

    /// The bucket key of a destination host (case-insensitive).
    public static func hostThrottleKey(_ host: String) -> String { "host:\(host.lowercased())" }
}
