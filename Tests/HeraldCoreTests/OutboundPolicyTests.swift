import HeraldCore
import Testing

/// The outbound guard's address rules: every spelling of a refused address is refused, public
/// addresses pass, and `outbound.allowed_networks` opens ranges on purpose.
struct OutboundPolicyTests {
    static let strict = OutboundPolicy()

    @Test(arguments: [
        "127.0.0.1", "127.1", "2130706433", "0x7f.0.0.1", "0x7f000001", "0177.0.0.1", "017700000001", "127.255.255.254",
        "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "100.64.0.1", "100.127.255.255", "169.254.169.254",
        "0.0.0.0", "0", "224.0.0.1", "239.255.255.250", "255.255.255.255", "198.18.0.1",
        "::1", "[::1]", "::", "[::]", "::ffff:127.0.0.1", "[::ffff:7f00:1]", "::ffff:169.254.169.254", "::127.0.0.1",
        "64:ff9b::a9fe:a9fe", "fd00:ec2::254", "fc00::1", "fe80::1", "fe80::1%eth0", "ff02::1", "0:0:0:0:0:0:0:1",
    ])
    func refusedAddressesInEverySpelling(host: String) throws {
        let address = try #require(IPAddress(host), "\(host) should parse")
        #expect(Self.strict.refusal(for: address) != nil, "\(host) → \(address)")
    }

    @Test(arguments: ["8.8.8.8", "1.1.1.1", "172.32.0.1", "100.128.0.1", "169.255.0.1", "2606:4700:4700::1111", "::ffff:8.8.8.8", "2001:db8::1"])
    func publicAddressesPass(host: String) throws {
        let address = try #require(IPAddress(host))
        #expect(Self.strict.refusal(for: address) == nil, "\(host)")
    }

    @Test(arguments: ["example.com", "localhost", "1.2.3.4.5", "256.1.1.1", "1.2.3.256", "0x1g.0.0.1", "1::2::3", "12345::", "", "127.0.0.1.", "::ffff:1.2.3"])
    func namesAndNonsenseAreNotAddresses(host: String) {
        #expect(IPAddress(host) == nil, "\(host)")
    }

    @Test(arguments: [
        ("8.8.8.8", 0x0808_0808), ("255.255.255.255", 0xffff_ffff), ("0.0.0.0", 0), ("10.20.30.40", 0x0a14_1e28),
        ("010.0.0.1", 0x0800_0001), ("1.2.3.0x10", 0x0102_0310), ("1.65535", 0x0100_ffff), ("192.168.1.01", 0xc0a8_0101),
    ] as [(String, UInt32)])
    func dottedAddressesReadTheSameByEitherPath(host: String, value: UInt32) {
        #expect(IPAddress(host) == .v4(value), "\(host)")
    }

    @Test func literalURLsAreCheckedWithoutALookUp() {
        #expect(Self.strict.refusal(forURL: "http://127.1:8080/hook") != nil)
        #expect(Self.strict.refusal(forURL: "http://2130706433/") != nil)
        #expect(Self.strict.refusal(forURL: "http://[::ffff:127.0.0.1]:9/x") != nil)
        #expect(Self.strict.refusal(forURL: "https://169.254.169.254/latest/meta-data/") != nil)
        // A name waits for the connect-time check.
        #expect(Self.strict.refusal(forURL: "https://example.com/hook") == nil)
        #expect(Self.strict.refusal(forURL: "https://8.8.8.8/hook") == nil)
    }

    @Test func allowedNetworksOpenRangesOnPurposeInEverySpelling() throws {
        let policy = try OutboundPolicy(allowedNetworks: " 127.0.0.0/8, fd12:3456::/32 ")
        #expect(policy.allowed.map(\.description) == ["127.0.0.0/8", "fd12:3456::/32"])
        #expect(policy.refusal(forURL: "http://127.1:8080/") == nil)
        #expect(policy.refusal(forURL: "http://[::ffff:127.0.0.1]/") == nil)
        #expect(policy.refusal(forURL: "http://[fd12:3456::9]/") == nil)
        // Only what was opened.
        #expect(policy.refusal(forURL: "http://10.0.0.1/") != nil)
        #expect(policy.refusal(forURL: "http://[fd12:3457::9]/") != nil)
        #expect(policy.summary.contains("127.0.0.0/8"))
        #expect(try OutboundPolicy(allowedNetworks: "").allowed.isEmpty)
    }

    @Test(arguments: ["10.0.0.0/33", "nonsense", "10.0.0.0/-1", "::1/129", "10.0.0.0/8, bad"])
    func badAllowedNetworksStopStartUp(text: String) {
        #expect(throws: HeraldError.self) { try OutboundPolicy(allowedNetworks: text) }
    }
}

extension OutboundPolicyTests {
    @Test(arguments: [
        ("http://127.0.0.1:8080/hook", "127.0.0.1"), ("https://user:pw@[::1]:9/x", "[::1]"), ("http://Hooks.Example.com?x=1", "Hooks.Example.com"),
        ("http://2130706433#frag", "2130706433"), ("https://a@b@10.0.0.1/p", "10.0.0.1"), ("no-scheme", nil), ("http:///path", nil),
        ("x:y://10.0.0.1/p", "10.0.0.1"), ("héllo://ünï.example:1/", "ünï.example"), ("http:/one-slash", nil),
    ] as [(String, String?)])
    func theHostIsReadWithoutAFullParse(url: String, host: String?) {
        #expect(OutboundPolicy.host(of: url).map(String.init) == host)
    }

    @Test(arguments: [
        ("0:0:0:0:0:0:0:1", "::1"), ("::", "::"), ("fe80:0:0:0:0:0:0:1", "fe80::1"), ("2001:db8:0:0:8:800:200c:417a", "2001:db8::8:800:200c:417a"),
        ("2001:db8:0:1:0:0:0:1", "2001:db8:0:1::1"), ("2001:0:0:1:0:0:0:1", "2001:0:0:1::1"), ("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"),
    ])
    func ipv6AddressesArePrintedInTheirShortForm(text: String, printed: String) throws {
        #expect(try #require(IPAddress(text)).description == printed)
    }
}
