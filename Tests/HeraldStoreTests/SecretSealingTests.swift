import Foundation
import GRDB
import HeraldCore
@testable import HeraldStore
@testable import HeraldStorePostgres
@testable import HeraldStoreSQLite
import HeraldTestSupport
import PostgresNIO
import Testing

/// Secrets at rest: what the drivers write is sealed (AES-GCM), reads back whole, opens under
/// its key only, and re-seals under a new one.
struct SecretSealingTests {
    static let keyA = try! SecretBox(base64Key: SecretBox.generateKey())
    static let keyB = try! SecretBox(base64Key: SecretBox.generateKey())
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test func aSealedValueOpensOnlyUnderItsKey() throws {
        let sealed = Self.keyA.seal("EAAG-secret-token")
        #expect(sealed.hasPrefix("enc:v1:"))
        #expect(!sealed.contains("secret-token"))
        #expect(Self.keyA.seal("EAAG-secret-token") != sealed, "a fresh nonce each time")
        #expect(try Self.keyA.open(sealed) == "EAAG-secret-token")
        #expect(throws: StoreError.self) { try Self.keyB.open(sealed) }
        // A value stored before encryption reads as it is.
        #expect(try Self.keyA.open("plain") == "plain")
        // Damaged: refused, never garbage.
        #expect(throws: StoreError.self) { try Self.keyA.open(String(sealed.dropLast(4)) + "AAAA") }
    }

    @Test(arguments: ["", "short", "not base64 at all!", Data(count: 16).base64EncodedString(), Data(count: 33).base64EncodedString()])
    func onlyThirtyTwoBytesOfBase64AreAKey(text: String) {
        #expect(throws: HeraldError.self) { try SecretBox(base64Key: text) }
    }

    static func profile(token: String) -> SenderProfile {
        SenderProfile(
            id: .generate(at: start), tenantID: .default, name: "shop", channel: "whatsapp",
            config: ["phone_number_id": .string("123"), "access_token": .string(token)], createdAt: start, updatedAt: start
        )
    }

    @Test func sqliteStoresSecretsSealedAndReadsThemBack() async throws {
        let path = try TemporaryDirectory.make().appendingPathComponent("h.sqlite").path
        let store = try SQLiteStore(configuration: .init(path: path), secrets: Self.keyA)
        try store.migrate()
        try await store.createTenant(Tenant(id: .default, name: "d", createdAt: Self.start, updatedAt: Self.start))
        var tenant = try #require(try await store.tenant(id: .default))
        let eventsSecret = tenant.setEventsURL("https://events.example.com/in") ?? ""
        try await store.updateTenant(tenant)
        let profile = Self.profile(token: "EAAG-very-secret")
        try await store.createProfile(profile)
        _ = try await store.insertSettingIfAbsent("webhook_secret", value: "whsec_plainly")

        // On disk: nothing readable.
        let raw = try await store.pool.read { db in
            [
                try String.fetchOne(db, sql: "SELECT config FROM profiles") ?? "",
                try String.fetchOne(db, sql: "SELECT events_secret FROM tenants") ?? "",
                try String.fetchOne(db, sql: "SELECT value FROM settings WHERE name = 'webhook_secret'") ?? "",
            ]
        }
        #expect(raw.allSatisfy { $0.hasPrefix("enc:v1:") }, "\(raw)")
        #expect(!raw.joined().contains("very-secret") && !raw.joined().contains(eventsSecret.dropFirst(6)) && !raw.joined().contains("plainly"))

        // Through the store: whole.
        #expect(try await store.profile(id: profile.id)?.setting("access_token") == "EAAG-very-secret")
        #expect(try await store.tenant(id: .default)?.eventsSecret == eventsSecret)
        #expect(try await store.setting("webhook_secret") == "whsec_plainly")

        // Re-sealed under another key: the old key opens nothing, the new one everything.
        #expect(try await store.resealSecrets(from: Self.keyA, to: Self.keyB) == 3)
        let withB = try SQLiteStore(configuration: .init(path: path), secrets: Self.keyB)
        #expect(try await withB.profile(id: profile.id)?.setting("access_token") == "EAAG-very-secret")
        #expect(try await withB.setting(SecretBox.checkSetting) == SecretBox.checkText)
        let withA = try SQLiteStore(configuration: .init(path: path), secrets: Self.keyA)
        await #expect(throws: StoreError.self) { _ = try await withA.profile(id: profile.id) }
    }

    @Test func plainSecretsFromBeforeAreSealedOnce() async throws {
        let path = try TemporaryDirectory.make().appendingPathComponent("h.sqlite").path
        let plain = try SQLiteStore(configuration: .init(path: path))
        try plain.migrate()
        let profile = Self.profile(token: "EAAG-old-plain")
        try await plain.createProfile(profile)
        let sealed = try SQLiteStore(configuration: .init(path: path), secrets: Self.keyA)
        #expect(try await sealed.resealSecrets(from: nil, to: Self.keyA) == 1)
        #expect(try await sealed.profile(id: profile.id)?.setting("access_token") == "EAAG-old-plain")
        // Again: already sealed under this key, left as it is.
        #expect(try await sealed.resealSecrets(from: nil, to: Self.keyA) == 1)
        #expect(try await sealed.profile(id: profile.id)?.setting("access_token") == "EAAG-old-plain")
    }

    @Test(.enabled(if: PostgresFixture.isEnabled))
    func postgresStoresSecretsSealedAndReSealsThem() async throws {
        let schema = "s_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await StoreKind.withPostgresStore(schema: schema, secrets: Self.keyA) { store in
            let profile = Self.profile(token: "EAAG-pg-secret")
            try await store.createProfile(profile)
            let raw = try await store.query(.init(unsafeSQL: "SELECT config FROM profiles")).first?.decode(String.self)
            #expect(raw?.hasPrefix("enc:v1:") == true)
            #expect(raw?.contains("pg-secret") == false)
            #expect(try await store.profiles(channel: "whatsapp").first?.setting("access_token") == "EAAG-pg-secret")
            #expect(try await store.resealSecrets(from: Self.keyA, to: Self.keyB) == 1)
        }
        let reopened = try await StoreKind.withPostgresStore(schema: schema, secrets: Self.keyB) { store in
            try await store.profiles(channel: "whatsapp").first?.setting("access_token")
        }
        #expect(reopened == "EAAG-pg-secret")
    }
}
