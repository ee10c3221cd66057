import Foundation
import HeraldCore
import HeraldStore
import HeraldTestSupport
import Testing

/// Sender profiles, the message fields that come with them, and throttled completions, for every driver.
struct ProfileConformanceTests {
    typealias Suite = StoreConformanceTests

    static func profile(
        _ name: String, channel: String = "whatsapp", tenant: TenantID = .default, outlets: [String] = [], isDefault: Bool = false
    ) -> SenderProfile {
        SenderProfile(
            id: .generate(at: Suite.start), tenantID: tenant, name: name, channel: channel,
            config: ["phone_number_id": .string("1065"), "access_token": .string("token")],
            outletIDs: outlets, isDefault: isDefault, dryRun: name.hasSuffix("-dry"), createdAt: Suite.start, updatedAt: Suite.start
        )
    }

    @Test(arguments: StoreKind.allCases)
    func createsReadsUpdatesAndDeletesProfiles(kind: StoreKind) async throws {
        try await kind.withStore { store in
            var shop = Self.profile("shop-1", outlets: ["42", "43"], isDefault: true)
            try await store.createProfile(shop)
            try await store.createProfile(Self.profile("a-dry", channel: "twilio"))
            try await store.createProfile(Self.profile("other", tenant: TenantID("t-2")))
            #expect(try await store.profile(id: shop.id) == shop)
            #expect(try await store.profiles(tenant: .default).map(\.name) == ["a-dry", "shop-1"])

            shop.config["access_token"] = .string("rotated")
            shop.outletIDs = ["44"]
            shop.updatedAt = Suite.start.addingTimeInterval(1)
            try await store.updateProfile(shop)
            #expect(try await store.profile(id: shop.id) == shop)
            // Outlet 42 was freed by the update.
            try await store.createProfile(Self.profile("shop-2", outlets: ["42"]))

            try await store.deleteProfile(id: shop.id)
            #expect(try await store.profile(id: shop.id) == nil)
            let missing = await #expect(throws: StoreError.self) { try await store.deleteProfile(id: shop.id) }
            #expect(missing?.isNotFound == true)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func refusesADuplicateNameASecondDefaultAndATakenOutlet(kind: StoreKind) async throws {
        try await kind.withStore { store in
            try await store.createProfile(Self.profile("shop-1", outlets: ["42"], isDefault: true))
            for clash in [
                Self.profile("shop-1", channel: "twilio"),
                Self.profile("shop-2", isDefault: true),
                Self.profile("shop-3", outlets: ["7", "42"]),
            ] {
                let error = await #expect(throws: StoreError.self) { try await store.createProfile(clash) }
                #expect(error?.isConflict == true, "\(clash.name)")
            }
            // The same outlet and a default on another channel, or for another tenant, are fine.
            try await store.createProfile(Self.profile("sms", channel: "twilio", outlets: ["42"], isDefault: true))
            try await store.createProfile(Self.profile("shop-1", tenant: TenantID("t-2"), outlets: ["42"], isDefault: true))
            #expect(try await store.profiles(tenant: .default).count == 2)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aProfileWaitingMessagesUseCannotBeDeleted(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let profile = Self.profile("shop-1")
            try await store.createProfile(profile)
            var message = Suite.message()
            message.profileID = profile.id
            _ = try await store.enqueue([message])
            let inUse = await #expect(throws: StoreError.self) { try await store.deleteProfile(id: profile.id) }
            #expect(inUse?.isConflict == true)
            _ = try await store.cancel(id: message.id, tenant: nil, now: Suite.start)
            try await store.deleteProfile(id: profile.id)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func providerFieldsRoundTripAndFilterTheList(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let profile = Self.profile("shop-1")
            var message = Suite.message()
            message.profileID = profile.id
            message.outletID = "42"
            message.dryRun = true
            message.page = "p-1"
            message.form = "f-1"
            message.template = .object(["name": .string("t"), "language": .object(["code": .string("en")])])
            message.expiresAt = Suite.start.addingTimeInterval(3600)
            let plain = Suite.message(content: "other")
            _ = try await store.enqueue([message, plain])
            #expect(try await store.message(id: message.id, tenant: nil) == message)

            var query = MessageQuery(tenant: .default)
            query.outletID = "42"
            #expect(try await store.listMessages(query).map(\.id) == [message.id])
            query = MessageQuery(tenant: .default, profileID: profile.id)
            #expect(try await store.listMessages(query).map(\.id) == [message.id])

            let claimed = try await Suite.claim(store).first { $0.id == message.id }
            let sent = try #require(claimed)
            #expect(try await Suite.complete(store, sent, .sent(providerMessageID: "wamid.7")))
            #expect(try await store.listMessages(MessageQuery(tenant: .default, providerMessageID: "wamid.7")).map(\.id) == [message.id])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aThrottledAttemptIsNotCountedAndADryRunEndsDryRun(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let throttled = Suite.message()
            let rehearsed = Suite.message(content: "dry")
            _ = try await store.enqueue([throttled, rehearsed])
            let claimed = try await Suite.claim(store)
            let first = try #require(claimed.first { $0.id == throttled.id })
            let second = try #require(claimed.first { $0.id == rehearsed.id })
            #expect(first.attempts == 0)
            let later = Suite.start.addingTimeInterval(5)
            #expect(try await Suite.complete(store, first, .throttled(at: later, error: "WhatsApp error 130429")))
            #expect(try await Suite.complete(store, second, .dryRun))

            let waiting = try #require(try await store.message(id: throttled.id, tenant: nil))
            #expect(waiting.status == .queued)
            #expect(waiting.attempts == 0)
            #expect(waiting.throttles == 1)
            #expect(waiting.nextAttemptAt == later)
            #expect(try await store.message(id: rehearsed.id, tenant: nil)?.status == .dryRun)

            // The next real outcome resets the throttles.
            let again = try #require(try await Suite.claim(store, at: later).first)
            #expect(try await Suite.complete(store, again, .retry(at: later.addingTimeInterval(1), error: "HTTP 500"), at: later))
            #expect(try await store.message(id: throttled.id, tenant: nil)?.throttles == 0)
        }
    }
}
