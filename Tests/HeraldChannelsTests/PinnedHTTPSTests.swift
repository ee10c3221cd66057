import HeraldTestSupport
import AsyncHTTPClient
import Foundation
import HeraldChannels
import HeraldCore
import HTTPTypes
import HummingbirdTLS
import NIOCore
import NIOSSL
import Synchronization
import Testing

/// `https://` sends go to the address the guard checked, never to a second look-up: the name
/// used here (`receiver.herald.test`) has no address in the system's resolver at all, only in
/// the guard's, so a request that arrives can only have been connected to the checked address —
/// while TLS still verified the receiver's certificate for the name.
struct PinnedHTTPSTests {
    static let host = "receiver.herald.test"

    /// A self-signed certificate for `receiver.herald.test` (P-256, valid until 2126), made for
    /// these tests only: `openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1
    /// -nodes -days 36500 -subj /CN=receiver.herald.test -addext subjectAltName=DNS:receiver.herald.test`.
    static let certificate = """
-----BEGIN CERTIFICATE-----
MIIBtjCCAVygAwIBAgIUIPoAD8HEcytXIM0wkjx3cZPbqd8wCgYIKoZIzj0EAwIw
HzEdMBsGA1UEAwwUcmVjZWl2ZXIuaGVyYWxkLnRlc3QwIBcNMjYxMjAyMTIzMDE5
WhgPMjEyNjExMDgxMjMwMTlaMB8xHTAbBgNVBAMMFHJlY2VpdmVyLmhlcmFsZC50
ZXN0MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEcKLOhyTiJv1PzAd3LSrxOdlM
U9Wv7JctCO/JmiaAYby4lwQZHqsRHykgi5rip3/AJfUdc5XXXKhYehuUpecfcKN0
MHIwHQYDVR0OBBYEFJ17wvgQvMveeSUVXnbVZ4n1ti5IMB8GA1UdIwQYMBaAFJ17
wvgQvMveeSUVXnbVZ4n1ti5IMA8GA1UdEwEB/wQFMAMBAf8wHwYDVR0RBBgwFoIU
cmVjZWl2ZXIuaGVyYWxkLnRlc3QwCgYIKoZIzj0EAwIDSAAwRQIhAJPKlqIzalbV
Ps737IWzC88xu/DnmtVHb6PX6Q3s7jMAAiAISrMWU6Zh2bwqo21d8f8cie69ublu
xcOtppiCLF4U/g==
-----END CERTIFICATE-----
"""
    static let privateKey = """
-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg98D8IgsODD4E9FP3
JXK8jnSAP0nD2b7XQBSIR2aY5OmhRANCAARwos6HJOIm/U/MB3ctKvE52UxT1a/s
ly0I78maJoBhvLiXBBkeqxEfKSCLmuKnf8Al9R1zlddcqFh6G5Sl5x9w
-----END PRIVATE KEY-----
"""

    static func serverTLS() throws -> TLSConfiguration {
        TLSConfiguration.makeServerConfiguration(
            certificateChain: [.certificate(try NIOSSLCertificate(bytes: Array(certificate.utf8), format: .pem))],
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(privateKey.utf8), format: .pem))
        )
    }

    /// The shared client's configuration, trusting the test certificate.
    static func clientConfiguration() throws -> HTTPClient.Configuration {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates([try NIOSSLCertificate(bytes: Array(certificate.utf8), format: .pem)])
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
        configuration.redirectConfiguration = .disallow
        // A handshake refused for a wrong certificate is retried until the connect timeout.
        configuration.timeout = .init(connect: .seconds(1))
        return configuration
    }

    /// A guard whose resolver answers `answer` for the test's name (and counts its look-ups).
    static func outbound(pinned: PinnedClients?, answer: [IPAddress], lookUps: LookUpCounter) -> OutboundGuard {
        OutboundGuard(policy: OutboundGuard.loopback.policy, pinned: pinned) { name in
            lookUps.add(name)
            guard name == host else { throw CancellationError() }
            return answer
        }
    }

    @Test func anHTTPSNameIsConnectedToTheCheckedAddressWithItsCertificateVerified() async throws {
        let configuration = try Self.clientConfiguration()
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let pinned = PinnedClients(configuration: configuration, eventLoopGroup: client.eventLoopGroup)
        let lookUps = LookUpCounter()
        let channel = try WebhookChannel(
            client: client, outbound: Self.outbound(pinned: pinned, answer: [.v4(0x7F00_0001)], lookUps: lookUps),
            configuration: .init(defaults: .init(secret: WebhookChannelTests.secret)), clock: WebhookChannelTests.FixedClock()
        )
        let receiver = RecordingReceiver(answers: [.init(status: .ok, body: "over tls")])
        let reports = try await receiver.run(tls: try Self.serverTLS()) { base in
            let url = base.replacingOccurrences(of: "127.0.0.1", with: Self.host) + "/hook"
            var reports: [DeliveryReport] = []
            for attempt in 1...2 {
                reports.append(await channel.send(WebhookChannelTests.message(url: url), attempt: attempt))
            }
            for client in pinned.close() { try await client.shutdown() }  // Its connections, before the receiver stops.
            return reports
        }
        try await client.shutdown()

        #expect(reports.map(\.outcome) == [.sent(providerMessageID: nil), .sent(providerMessageID: nil)])
        #expect(reports.first?.responseExcerpt == "over tls")
        #expect(receiver.requests.count == 2)
        #expect(receiver.requests.first?.authority?.hasPrefix(Self.host) == true, "the receiver sees the name it was sent to")
        #expect(lookUps.names == [Self.host, Self.host], "each send checks the name again")
    }

    @Test func aCertificateForAnotherNameIsStillRefused() async throws {
        let configuration = try Self.clientConfiguration()
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let pinned = PinnedClients(configuration: configuration, eventLoopGroup: client.eventLoopGroup)
        let other = "elsewhere.herald.test"
        let outbound = OutboundGuard(policy: OutboundGuard.loopback.policy, pinned: pinned) { _ in [.v4(0x7F00_0001)] }
        let channel = try WebhookChannel(
            client: client, outbound: outbound,
            configuration: .init(defaults: .init(secret: WebhookChannelTests.secret)), clock: WebhookChannelTests.FixedClock()
        )
        let receiver = RecordingReceiver()
        let report = try await receiver.run(tls: try Self.serverTLS()) { base in
            await channel.send(WebhookChannelTests.message(url: base.replacingOccurrences(of: "127.0.0.1", with: other) + "/hook"), attempt: 1)
        }
        for client in pinned.close() { try await client.shutdown() }
        try await client.shutdown()

        guard case .retry = report.outcome else {
            Issue.record("a certificate that does not name the host must not be accepted: \(report.outcome)")
            return
        }
        #expect(receiver.requests.isEmpty)
    }

    @Test func aNameRepointedToAPrivateAddressIsRefusedBeforeAnyClientIsMade() async throws {
        let configuration = try Self.clientConfiguration()
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let pinned = PinnedClients(configuration: configuration, eventLoopGroup: client.eventLoopGroup)
        let lookUps = LookUpCounter()
        let strict = OutboundGuard(policy: OutboundPolicy(), pinned: pinned) { _ in lookUps.add("x"); return [.v4(0x0A00_0007)] }
        let channel = try WebhookChannel(
            client: client, outbound: strict,
            configuration: .init(defaults: .init(secret: WebhookChannelTests.secret)), clock: WebhookChannelTests.FixedClock()
        )
        let report = await channel.send(WebhookChannelTests.message(url: "https://\(Self.host)/hook"), attempt: 1)
        #expect(pinned.count == 0)
        for client in pinned.close() { try await client.shutdown() }
        try await client.shutdown()
        guard case .failed(let reason) = report.outcome else {
            Issue.record("expected a permanent failure, got \(report.outcome)")
            return
        }
        #expect(reason.hasPrefix("outbound address refused: \(Self.host) resolves to 10.0.0.7, which is in a private range"), "\(reason)")
        #expect(lookUps.names.count == 1)
    }

    @Test func idleClientsAreHandedBackAndNoneAfterClosing() async throws {
        let configuration = try Self.clientConfiguration()
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let pinned = PinnedClients(configuration: configuration, eventLoopGroup: client.eventLoopGroup, idleLimit: .seconds(60))
        let channel = try WebhookChannel(
            client: client, outbound: Self.outbound(pinned: pinned, answer: [.v4(0x7F00_0001)], lookUps: LookUpCounter()),
            configuration: .init(defaults: .init(secret: WebhookChannelTests.secret)), clock: WebhookChannelTests.FixedClock()
        )
        let receiver = RecordingReceiver()
        let report = try await receiver.run(tls: try Self.serverTLS()) { base in
            let report = await channel.send(WebhookChannelTests.message(url: base.replacingOccurrences(of: "127.0.0.1", with: Self.host) + "/hook"), attempt: 1)
            #expect(pinned.count == 1)
            #expect(pinned.removeIdle().isEmpty, "a client just used is kept for its connections")
            let idle = pinned.removeIdle(now: .now + .seconds(61))
            #expect(idle.count == 1)
            for client in idle { try await client.shutdown() }
            return report
        }
        #expect(report.outcome == .sent(providerMessageID: nil))
        #expect(pinned.close().isEmpty)

        let afterClose = await channel.send(WebhookChannelTests.message(url: "https://\(Self.host):1/hook"), attempt: 1)
        guard case .retry = afterClose.outcome else {
            Issue.record("a send after the clients closed is retried later, got \(afterClose.outcome)")
            return
        }
        try await client.shutdown()
    }
}

/// The names a test resolver was asked for.
final class LookUpCounter: Sendable {
    private let state = Mutex<[String]>([])
    func add(_ name: String) { state.withLock { $0.append(name) } }
    var names: [String] { state.withLock { $0 } }
}
