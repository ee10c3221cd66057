import HeraldChannels
import HeraldCore
import Testing

/// `webhook.endpoints` entries match the parsed URL — scheme, host, port, and the path at a `/`
/// boundary — never a raw string prefix.
struct WebhookURLPrefixTests {
    @Test(arguments: [
        ("http://127.0.0.1:1800", "http://127.0.0.1:18001/x", false),
        ("https://partner.example.net", "https://partner.example.net.evil.test/", false),
        ("https://partner.example.net", "https://partner.example.net/hooks", true),
        ("https://partner.example.net/hooks", "https://partner.example.net/hooks", true),
        ("https://partner.example.net/hooks", "https://partner.example.net/hooks/in?x=1", true),
        ("https://partner.example.net/hooks", "https://partner.example.net/hooksevil", false),
        ("https://partner.example.net/hooks/", "https://partner.example.net/hooks", true),
        ("https://partner.example.net", "http://partner.example.net/", false),
        ("https://partner.example.net", "https://partner.example.net:443/in", true),
        ("https://partner.example.net", "https://partner.example.net:8443/in", false),
        ("https://Partner.Example.NET", "https://partner.example.net/in", true),
        ("https://partner.example.net", "https://user@partner.example.net.evil.test/", false),
    ])
    func matchesOnTheParsedURL(prefix: String, url: String, matches: Bool) throws {
        #expect(try WebhookURLPrefix(prefix, setting: "test").matches(url) == matches)
    }

    @Test(arguments: ["partner.example.net/hooks", "/hooks", "ftp://partner.example.net/", "https://", ""])
    func aPrefixThatIsNotAnAbsoluteHTTPURLIsRefused(prefix: String) {
        #expect(throws: HeraldError.self) { try WebhookURLPrefix(prefix, setting: "webhook.endpoints[0].url_prefix") }
    }
}
