public import HeraldCore

/// Whom a signed WhatsApp callback speaks for, one business number at a time.
///
/// Meta signs the whole body with one app secret, but each `entry[].changes[].value` names the
/// business number it is about (`metadata.phone_number_id`). A value is verified for the
/// profiles that have that number and whose app secret signed the body: a profile's own
/// `app_secret`, or, for a profile without one, the server's `whatsapp.app_secret` (the
/// operator's Meta app). So one tenant's own app secret never speaks for another tenant's number.
public struct WhatsAppSenders: Sendable {
    /// What a value of a callback is verified as.
    public enum Verdict: Sendable, Hashable {
        /// Verified for these profiles (every one has the value's number).
        case profiles([SenderProfile])
        /// No profile has the number and the server's secret signed the body: it belongs to the
        /// operator (the `default` tenant), as before profiles existed.
        case unclaimed
        /// Nothing that may speak for the number signed the body.
        case unverified
    }

    private let profiles: [SenderProfile]
    private let serverSecret: String?

    /// - Parameters:
    ///   - profiles: every WhatsApp sender profile, of every tenant.
    ///   - serverSecret: `whatsapp.app_secret`, for numbers whose profiles have no secret of their own.
    public init(profiles: [SenderProfile], serverSecret: String?) {
        self.profiles = profiles
        self.serverSecret = serverSecret.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Every secret a callback may be signed with: the server's and each profile's own.
    public var candidateSecrets: Set<String> {
        Set(profiles.compactMap { $0.setting("app_secret") } + [serverSecret].compactMap { $0 })
    }

    /// Which of ``candidateSecrets`` signed `body` (each compared in constant time).
    public func signingSecrets(body: [UInt8], header: String?) -> Set<String> {
        candidateSecrets.filter { WhatsAppCallback.signatureMatches(body: body, header: header, secrets: [$0]) }
    }

    /// What the value about `phoneNumberID` is verified as, given the secrets that signed the body.
    public func verdict(phoneNumberID: String?, signedWith secrets: Set<String>) -> Verdict {
        let owners = phoneNumberID.map { number in profiles.filter { $0.setting("phone_number_id") == number } } ?? []
        guard !owners.isEmpty else {
            return serverSecret.map(secrets.contains) == true ? .unclaimed : .unverified
        }
        let verified = owners.filter { profile in
            guard let own = profile.setting("app_secret") else { return serverSecret.map(secrets.contains) == true }
            return secrets.contains(own)
        }
        return verified.isEmpty ? .unverified : .profiles(verified)
    }
}
