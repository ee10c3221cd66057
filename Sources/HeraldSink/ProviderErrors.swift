/// The error answers the providers give for the codes `herald sink --fail-code` stages: the
/// HTTP status each comes with and its title, as Meta's and Twilio's error references list
/// them. A code not listed answers 400 with a generic title.
enum ProviderErrors {
    /// Graph API (WhatsApp Cloud API) codes.
    static func graph(_ code: Int) -> (status: Int, title: String) {
        switch code {
        case 190: (401, "Invalid OAuth access token - Cannot parse access token")
        case 4, 80007, 130429, 131048, 131056: (429, "Rate limit hit")
        case 1, 2, 131000, 133004: (503, "Service temporarily unavailable")
        case 131026: (400, "Message undeliverable")
        case 131047: (400, "Re-engagement message")
        case 131051: (400, "Unsupported message type")
        case 132000: (400, "Template Param Count Mismatch")
        case 132001: (400, "Template does not exist")
        case 100: (400, "Invalid parameter")
        default: (400, "Error \(code)")
        }
    }

    /// Twilio codes.
    static func twilio(_ code: Int) -> (status: Int, title: String) {
        switch code {
        case 20003: (401, "Authenticate")
        case 20429: (429, "Too Many Requests")
        case 21211: (400, "The 'To' number is not a valid phone number.")
        case 21408: (400, "Permission to send an SMS has not been enabled for the region indicated by the 'To' number")
        case 21610: (400, "Attempt to send to unsubscribed recipient")
        case 21614: (400, "'To' number is not a valid mobile number")
        case 30003: (400, "Unreachable destination handset")
        case 30005: (400, "Unknown destination handset")
        case 30006: (400, "Landline or unreachable carrier")
        case 30007: (400, "Message filtered")
        default: (400, "Error \(code)")
        }
    }

    /// Twilio reports delivery trouble from the network (30xxx) as `undelivered`, the rest as `failed`.
    static func twilioFailureStatus(_ code: Int) -> String {
        (30000..<31000).contains(code) ? "undelivered" : "failed"
    }
}
