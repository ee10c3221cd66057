import Foundation
import HeraldChannels
import HeraldCore

extension ConfigurationKey {
    /// The provider channels' settings and their retry policies.
    static let providers: [ConfigurationKey] = [
        .init("retry.max_throttled_wait", default: "1h", "longest a message waits in all for a provider's rate limit before it fails") { c, v throws(HeraldError) in
            c.retry.maxThrottledWait = try duration(v, "retry.max_throttled_wait")
        },
        .init("whatsapp.base_url", default: WhatsAppConfiguration.defaultBaseURL, "the Graph API's address (a profile's base_url wins)") {
            $0.whatsapp.baseURL = $1
        },
        .init("whatsapp.api_version", default: WhatsAppConfiguration.defaultAPIVersion, "Graph API version (a profile's api_version wins)") {
            $0.whatsapp.apiVersion = $1
        },
        .init("whatsapp.app_secret", default: "(none)", "the Meta app's secret callbacks are signed with (a profile's app_secret wins)") {
            $0.whatsapp.appSecret = $1.isEmpty ? nil : $1
        },
        .init("whatsapp.verify_token", default: "(none)", "the token Meta's callback verification must present") {
            $0.whatsapp.verifyToken = $1.isEmpty ? nil : $1
        },
        .init("whatsapp.timeout", default: "10s", "longest one WhatsApp attempt may take") { c, v throws(HeraldError) in
            c.whatsapp.timeout = try duration(v, "whatsapp.timeout")
        },
        .init("whatsapp.error_codes", default: "(Meta's table)", "overrides of the error table, such as 131000=fail,131026=retry (throttle, retry or fail)") { c, v throws(HeraldError) in
            for entry in v.split(separator: ",") {
                let parts = entry.split(separator: "=").map { $0.trimmingCharacters(in: .whitespaces) }
                guard parts.count == 2, let code = Int(parts[0]), let treatment = WhatsAppErrorTable.Treatment(rawValue: parts[1]) else {
                    throw .invalidConfiguration("whatsapp.error_codes: '\(entry)' is not code=throttle|retry|fail")
                }
                c.whatsapp.errorTable.codes[code] = treatment
            }
        },
        .init("whatsapp.rate", default: "80", "a WhatsApp profile's messages a second unless it sets rate (the Cloud API's default throughput)") { c, v throws(HeraldError) in
            c.whatsapp.rate = try rate(v, "whatsapp.rate")
        },
        .init("whatsapp.pair_interval", default: "6s", "one message to a user from one number per this long (Meta's pair rate limit)…") { c, v throws(HeraldError) in
            c.whatsapp.pairInterval = try duration(v, "whatsapp.pair_interval")
        },
        .init("whatsapp.pair_burst", default: "45", "…after a burst of up to this many") { c, v throws(HeraldError) in
            c.whatsapp.pairBurst = try int(v, "whatsapp.pair_burst", 1...10_000)
        },
        .init("twilio.segment_rate", default: "1", "SMS segments a second per sender (long code) unless a profile sets rate") { c, v throws(HeraldError) in
            c.twilio.segmentRate = try rate(v, "twilio.segment_rate")
        },
        .init("webhook.rate_limits", default: "(none)", "sending rates by host, such as hooks.example.com=50/100 (rate a second / burst)") { c, v throws(HeraldError) in
            c.webhook.rateLimits = try hostRates(v)
        },
        .init("callbacks.rate_limit", default: "500", "provider callbacks a second each callback route takes; more are answered 429") { c, v throws(HeraldError) in
            c.callbackRate = try rate(v, "callbacks.rate_limit")
        },
        .init("twilio.base_url", default: TwilioConfiguration.defaultBaseURL, "Twilio's API address (a profile's base_url wins)") {
            $0.twilio.baseURL = $1
        },
        .init("twilio.timeout", default: "10s", "longest one Twilio attempt may take") { c, v throws(HeraldError) in
            c.twilio.timeout = try duration(v, "twilio.timeout")
        },
        .init("botserver.timeout", default: "10s", "longest one bailout attempt may take") { c, v throws(HeraldError) in
            c.botServerTimeout = try duration(v, "botserver.timeout")
        },
    ] + ["whatsapp", "twilio", "botserver"].map { channel in
        .init("retry.\(channel).schedule", default: "1s,2s,4s", "\(channel): delays between attempts (its length sets the number of retries)") { c, v throws(HeraldError) in
            guard let delays = DurationText.parseList(v) else {
                throw .invalidConfiguration("retry.\(channel).schedule: '\(v)' is not a list of durations such as 1s,2s,4s")
            }
            c.retry.channelSchedules[channel] = delays
        }
    }
}

extension ConfigurationKey {
    /// `host=rate[/burst],…`.
    static func hostRates(_ text: String) throws(HeraldError) -> [String: HostRate] {
        var rates: [String: HostRate] = [:]
        for entry in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !entry.isEmpty {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            let numbers = parts.count == 2 ? parts[1].split(separator: "/").map { Double($0) } : []
            guard parts.count == 2, !parts[0].isEmpty, (1...2).contains(numbers.count), let rate = numbers[0], rate > 0, rate <= 1_000_000,
                  numbers.count == 1 || (numbers[1].map { $0 >= 1 && $0 <= 1_000_000 } ?? false)
            else {
                throw .invalidConfiguration("webhook.rate_limits: '\(entry)' is not host=rate or host=rate/burst, such as hooks.example.com=50/100")
            }
            rates[parts[0].lowercased()] = HostRate(rate: rate, burst: numbers.count == 2 ? numbers[1] : nil)
        }
        return rates
    }
}

