import Foundation
import HeraldCore
import HeraldStore
import HeraldTestSupport
import Testing

/// The contract every `MessageStore` driver passes, run against each driver unchanged.
struct StoreConformanceTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)
    static let lease = Duration.seconds(30)

    static func message(
        tenant: TenantID = .default,
        priority: Int = 0,
        key: String? = nil,
        sendAt: Date? = nil,
        now: Date = start,
        content: String = "hello"
    ) -> Message {
        Message(
            id: .generate(at: now),
            draft: MessageDraft(
                tenantID: tenant, channel: "webhook", url: "http://127.0.0.1/hook", content: content,
                metadata: ["n": .number(1)], idempotencyKey: key, fingerprint: key.map { "fp-\($0)" },
                priority: priority, sendAt: sendAt
            ),
            now: now
        )
    }

    static func claim(_ store: any HeraldStore, owner: String = "a", limit: Int = 100, at now: Date = start) async throws -> [Message] {
        try await store.claim(ClaimParams(owner: owner, limit: limit, now: now, leaseDuration: lease))
    }

    static func attempt(for message: Message, outcome: AttemptOutcome, at now: Date) -> AttemptRecord {
        AttemptRecord(
            id: .generate(at: now), messageID: message.id, number: message.attempts + 1, startedAt: now,
            duration: .milliseconds(12), httpStatus: outcome == .sent ? 200 : 503, outcome: outcome,
            error: outcome == .sent ? nil : "HTTP 503", responseExcerpt: "ok"
        )
    }

    static func complete(
        _ store: any HeraldStore,
        _ message: Message,
        lease: LeaseToken? = nil,
        _ resolution: Completion.Resolution,
        at now: Date = start
    ) async throws -> Bool {
        let outcome: AttemptOutcome = switch resolution {
        case .sent: .sent
        case .retry: .retry
        case .failed: .failed
        case .throttled, .deferred: .throttled
        case .dryRun: .dryRun
        }
        let deferred = if case .deferred = resolution { true } else { false }
        return try await store.complete([Completion(
            messageID: message.id, lease: lease ?? message.lease?.token ?? LeaseToken(owner: "a", version: 1), resolution: resolution,
            attempt: deferred ? nil : attempt(for: message, outcome: outcome, at: now), now: now
        )])[0]
    }

    // MARK: Enqueue

    @Test(arguments: StoreKind.allCases)
    func enqueueStoresAndReadsBack(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let original = Self.message()
            let results = try await store.enqueue([original])
            #expect(results == [.created(original)])
            let read = try #require(try await store.message(id: original.id, tenant: nil))
            #expect(read == original)
            #expect(read.status == .queued)
            #expect(read.metadata == ["n": .number(1)])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func idempotencyKeyDedupsPerTenant(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let first = Self.message(key: "order-1")
            _ = try await store.enqueue([first])
            let again = Self.message(key: "order-1", content: "changed")
            #expect(try await store.enqueue([again]) == [.existing(first)])
            #expect(try await store.message(id: again.id, tenant: nil) == nil)

            // Another tenant may use the same key.
            let other = Self.message(tenant: TenantID("shop-2"), key: "order-1")
            #expect(try await store.enqueue([other]) == [.created(other)])

            // Within one batch, the second use of a key answers with the first.
            let a = Self.message(key: "k2"), b = Self.message(key: "k2")
            #expect(try await store.enqueue([a, b]) == [.created(a), .existing(a)])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func tenantRestrictsLookups(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let message = Self.message(tenant: TenantID("shop-1"))
            _ = try await store.enqueue([message])
            #expect(try await store.message(id: message.id, tenant: TenantID("shop-1")) != nil)
            #expect(try await store.message(id: message.id, tenant: TenantID("shop-2")) == nil)
            await #expect(throws: StoreError.self) {
                try await store.cancel(id: message.id, tenant: TenantID("shop-2"), now: Self.start)
            }
        }
    }

    // MARK: Claim

    @Test(arguments: StoreKind.allCases)
    func claimTakesPriorityThenDueTime(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let old = Self.message(now: Self.start.addingTimeInterval(-30))
            let newer = Self.message(now: Self.start.addingTimeInterval(-10))
            let urgent = Self.message(priority: 5, now: Self.start.addingTimeInterval(-1))
            _ = try await store.enqueue([newer, urgent, old])

            let first = try await Self.claim(store, limit: 2)
            #expect(first.map(\.id) == [urgent.id, old.id])
            // A claim counts no attempt: a completion does, when a request went out.
            #expect(first.allSatisfy { $0.status == .sending && $0.attempts == 0 && $0.lease?.owner == "a" })
            #expect(first.allSatisfy { $0.lease?.expiresAt == Self.start.adding(Self.lease) })
            let second = try await Self.claim(store, limit: 2)
            #expect(second.map(\.id) == [newer.id])
            #expect(try await Self.claim(store).isEmpty)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func concurrentClaimersNeverShareAMessage(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let messages = (0..<300).map { _ in Self.message() }
            _ = try await store.enqueue(messages)
            let claimed = try await withThrowingTaskGroup(of: [MessageID].self) { group in
                for worker in 0..<6 {
                    group.addTask {
                        var mine: [MessageID] = []
                        while true {
                            let batch = try await Self.claim(store, owner: "w\(worker)", limit: 7)
                            if batch.isEmpty { return mine }
                            mine += batch.map(\.id)
                        }
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(claimed.count == messages.count)
            #expect(Set(claimed) == Set(messages.map(\.id)))
        }
    }

    @Test(arguments: StoreKind.allCases)
    func expiredLeaseMakesAMessageDueAgain(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let message = Self.message()
            _ = try await store.enqueue([message])
            let first = try await Self.claim(store, owner: "dead")
            #expect(first.first?.lease?.version == 1)
            #expect(try await Self.claim(store, owner: "alive", at: Self.start.addingTimeInterval(29)).isEmpty)

            let rescued = try await Self.claim(store, owner: "alive", at: Self.start.addingTimeInterval(30))
            #expect(rescued.map(\.id) == [message.id])
            #expect(rescued.first?.attempts == 0)
            #expect(rescued.first?.lease?.owner == "alive")
            #expect(rescued.first?.lease?.version == 2)

            // The dead owner's late result no longer changes the message, but its attempt is logged.
            #expect(try await Self.complete(store, first[0], .sent(providerMessageID: nil)) == false)
            #expect(try await store.message(id: message.id, tenant: nil)?.status == .sending)
            #expect(try await store.attempts(messageID: message.id).count == 1)
            #expect(try await Self.complete(store, rescued[0], .sent(providerMessageID: "p-1")) == true)
            #expect(try await store.message(id: message.id, tenant: nil)?.status == .sent)
        }
    }

    /// On SQLite every claim has the same owner: the version alone tells the first attempt's
    /// late result from the second's.
    @Test(arguments: StoreKind.allCases)
    func aLateResultOfTheSameOwnersEarlierClaimIsRefused(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let message = Self.message()
            _ = try await store.enqueue([message])
            let first = try #require(try await Self.claim(store, owner: "same").first)
            let second = try #require(try await Self.claim(store, owner: "same", at: Self.start.addingTimeInterval(30)).first)
            #expect(first.lease?.owner == second.lease?.owner)
            #expect(second.lease?.version == (first.lease?.version ?? 0) + 1)

            // The first attempt timed out and comes back late with a failure: refused, logged only.
            #expect(try await Self.complete(store, first, .failed(error: "HTTP 410")) == false)
            var stored = try #require(try await store.message(id: message.id, tenant: nil))
            #expect(stored.status == .sending)
            #expect(stored.lease?.version == second.lease?.version)
            // Nor may it defer or release the message the second claim holds.
            #expect(try await Self.complete(store, first, .deferred(until: Self.start.addingTimeInterval(99))) == false)
            #expect(try await store.releaseLeases([message.id: try #require(first.lease?.token)], now: Self.start) == 0)

            // The second attempt's result stands.
            #expect(try await Self.complete(store, second, .sent(providerMessageID: "p-2")) == true)
            stored = try #require(try await store.message(id: message.id, tenant: nil))
            #expect(stored.status == .sent)
            #expect(stored.providerMessageID == "p-2")
            #expect(stored.attempts == 1)
            #expect(stored.lastError == nil)
            #expect(try await store.attempts(messageID: message.id).map(\.outcome) == [.failed, .sent])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func scheduledMessageBecomesDueAtItsTime(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let sendAt = Self.start.addingTimeInterval(3600)
            let message = Self.message(sendAt: sendAt)
            _ = try await store.enqueue([message])
            #expect(try await store.message(id: message.id, tenant: nil)?.status == .scheduled)
            #expect(try await Self.claim(store, at: sendAt.addingTimeInterval(-1)).isEmpty)
            #expect(try await Self.claim(store, at: sendAt).map(\.id) == [message.id])
        }
    }

    // MARK: Outcomes

    @Test(arguments: StoreKind.allCases)
    func sentRecordsProviderIDAndAttempt(kind: StoreKind) async throws {
        try await kind.withStore { store in
            _ = try await store.enqueue([Self.message()])
            let claimed = try await Self.claim(store)[0]
            let later = Self.start.addingTimeInterval(1)
            #expect(try await Self.complete(store, claimed, .sent(providerMessageID: "wamid.1"), at: later))
            let stored = try #require(try await store.message(id: claimed.id, tenant: nil))
            #expect(stored.status == .sent)
            #expect(stored.sentAt == later)
            #expect(stored.providerMessageID == "wamid.1")
            #expect(stored.lease == nil)
            let attempts = try await store.attempts(messageID: claimed.id)
            #expect(attempts.count == 1)
            #expect(attempts.first?.number == 1)
            #expect(attempts.first?.httpStatus == 200)
            #expect(attempts.first?.outcome == .sent)
            #expect(attempts.first?.duration == .milliseconds(12))
            #expect(attempts.first?.responseExcerpt == "ok")
        }
    }

    @Test(arguments: StoreKind.allCases)
    func retryRequeuesForLater(kind: StoreKind) async throws {
        try await kind.withStore { store in
            _ = try await store.enqueue([Self.message()])
            let claimed = try await Self.claim(store)[0]
            let retryAt = Self.start.addingTimeInterval(5)
            #expect(try await Self.complete(store, claimed, .retry(at: retryAt, error: "HTTP 503")))
            let stored = try #require(try await store.message(id: claimed.id, tenant: nil))
            #expect(stored.status == .queued)
            #expect(stored.lastError == "HTTP 503")
            #expect(stored.nextAttemptAt == retryAt)
            #expect(try await Self.claim(store, at: retryAt.addingTimeInterval(-0.001)).isEmpty)
            let again = try await Self.claim(store, at: retryAt)
            #expect(again.map(\.attempts) == [1])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func failedKeepsTheReason(kind: StoreKind) async throws {
        try await kind.withStore { store in
            _ = try await store.enqueue([Self.message()])
            let claimed = try await Self.claim(store)[0]
            #expect(try await Self.complete(store, claimed, .failed(error: "HTTP 410")))
            let stored = try #require(try await store.message(id: claimed.id, tenant: nil))
            #expect(stored.status == .failed)
            #expect(stored.lastError == "HTTP 410")
            #expect(stored.failedAt == Self.start)
            #expect(try await Self.claim(store, at: Self.start.addingTimeInterval(86400)).isEmpty)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func completionsInOneBatchAreEachApplied(kind: StoreKind) async throws {
        try await kind.withStore { store in
            _ = try await store.enqueue((0..<3).map { _ in Self.message() })
            let claimed = try await Self.claim(store)
            let results = try await store.complete([
                Completion(messageID: claimed[0].id, lease: try #require(claimed[0].lease?.token), resolution: .sent(providerMessageID: nil), attempt: Self.attempt(for: claimed[0], outcome: .sent, at: Self.start), now: Self.start),
                Completion(messageID: claimed[1].id, lease: LeaseToken(owner: "b", version: 1), resolution: .sent(providerMessageID: nil), attempt: Self.attempt(for: claimed[1], outcome: .sent, at: Self.start), now: Self.start),
                Completion(messageID: claimed[2].id, lease: try #require(claimed[2].lease?.token), resolution: .failed(error: "HTTP 400"), attempt: Self.attempt(for: claimed[2], outcome: .failed, at: Self.start), now: Self.start),
            ])
            #expect(results == [true, false, true])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func releasedLeasesAreDueAtOnceWithoutCountingTheAttempt(kind: StoreKind) async throws {
        try await kind.withStore { store in
            _ = try await store.enqueue([Self.message(), Self.message()])
            let claimed = try await Self.claim(store, owner: "stopping")
            let leases = Dictionary(uniqueKeysWithValues: claimed.map { ($0.id, $0.lease!.token) })
            let others = leases.mapValues { LeaseToken(owner: "someone-else", version: $0.version) }
            #expect(try await store.releaseLeases(others, now: Self.start) == 0)
            #expect(try await store.releaseLeases(leases, now: Self.start) == 2)
            let again = try await Self.claim(store, owner: "next")
            #expect(again.count == 2)
            #expect(again.allSatisfy { $0.attempts == 0 })
        }
    }

    // MARK: Cancel and retry

    @Test(arguments: StoreKind.allCases)
    func cancelOnlyPendingMessages(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let queued = Self.message()
            let scheduled = Self.message(sendAt: Self.start.addingTimeInterval(60))
            let sending = Self.message(priority: 9)
            _ = try await store.enqueue([queued, scheduled, sending])
            #expect(try await Self.claim(store, limit: 1).map(\.id) == [sending.id])

            let cancelled = try await store.cancel(id: queued.id, tenant: nil, now: Self.start)
            #expect(cancelled.status == .cancelled)
            #expect(cancelled.cancelledAt == Self.start)
            #expect(try await store.cancel(id: scheduled.id, tenant: .default, now: Self.start).status == .cancelled)
            // Later on, only the expired lease is due again; the cancelled messages never are.
            #expect(try await Self.claim(store, at: Self.start.addingTimeInterval(120)).map(\.id) == [sending.id])

            let error = await #expect(throws: StoreError.self) { try await store.cancel(id: sending.id, tenant: nil, now: Self.start) }
            #expect(error?.isIllegalTransition == true)
            await #expect(throws: StoreError.self) { try await store.cancel(id: queued.id, tenant: nil, now: Self.start) }
            let missing = await #expect(throws: StoreError.self) { try await store.cancel(id: .generate(), tenant: nil, now: Self.start) }
            #expect(missing?.isNotFound == true)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func retryOnlyFailedMessages(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let message = Self.message()
            _ = try await store.enqueue([message])
            await #expect(throws: StoreError.self) { try await store.retry(id: message.id, tenant: nil, now: Self.start) }

            let claimed = try await Self.claim(store)[0]
            _ = try await Self.complete(store, claimed, .failed(error: "HTTP 404"))
            let later = Self.start.addingTimeInterval(600)
            let retried = try await store.retry(id: message.id, tenant: nil, now: later)
            #expect(retried.status == .queued)
            #expect(retried.attempts == 0)
            #expect(retried.failedAt == nil)
            let reclaimed = try await Self.claim(store, at: later)
            #expect(reclaimed.map(\.id) == [message.id])
            #expect(reclaimed.first?.attempts == 0)
            #expect(try await store.attempts(messageID: message.id).count == 1)
        }
    }

    // MARK: Wake-ups and credentials

    @Test(arguments: StoreKind.allCases)
    func enqueueSignalsWaitingWork(kind: StoreKind) async throws {
        try await kind.withStore { store in
            async let woke: Void = store.workSignal.wait(timeout: .seconds(30))
            _ = try await store.enqueue([Self.message()])
            let started = ContinuousClock.now
            await woke
            #expect(ContinuousClock.now - started < .seconds(10))
        }
    }

    @Test(arguments: StoreKind.allCases)
    func credentialsAreStoredByDigest(kind: StoreKind) async throws {
        try await kind.withStore { store in
            #expect(try await store.apiKeyCount(role: .tenant) == 0)
            let key = StoredAPIKey(id: "key_1", tenantID: .default, name: "ci", prefix: "hk_abcdef", hash: "deadbeef", createdAt: Self.start)
            try await store.insertAPIKey(key)
            #expect(try await store.apiKey(hash: "deadbeef") == key)
            #expect(try await store.apiKey(hash: "other") == nil)
            #expect(try await store.apiKeyCount(role: .tenant) == 1)
            #expect(try await store.apiKeyCount(role: .admin) == 0)

            // Revoked keys stop authenticating but stay listed.
            #expect(try await store.revokeAPIKey(id: "key_1", tenant: TenantID("other"), now: Self.start) == false)
            #expect(try await store.revokeAPIKey(id: "key_1", tenant: .default, now: Self.start) == true)
            #expect(try await store.revokeAPIKey(id: "key_1", tenant: .default, now: Self.start) == false)
            #expect(try await store.apiKey(hash: "deadbeef") == nil)
            #expect(try await store.apiKeys(tenant: .default).map(\.revokedAt) == [Self.start])

            #expect(try await store.setting("webhook_secret") == nil)
            #expect(try await store.insertSettingIfAbsent("webhook_secret", value: "first") == "first")
            #expect(try await store.insertSettingIfAbsent("webhook_secret", value: "second") == "first")
            #expect(try await store.setting("webhook_secret") == "first")
        }
    }
}

/// Listing and counting, for every driver.
struct StoreListingConformanceTests {
    typealias Suite = StoreConformanceTests

    @Test(arguments: StoreKind.allCases)
    func listsNewestFirstWithFiltersAndPages(kind: StoreKind) async throws {
        try await kind.withStore { store in
            let shop = TenantID("shop-1")
            var messages: [Message] = []
            for index in 0..<7 {
                var message = Suite.message(tenant: shop, now: Suite.start.addingTimeInterval(Double(index)))
                message.recipient = index.isMultiple(of: 2) ? "+31600000001" : "+31600000002"
                messages.append(message)
            }
            _ = try await store.enqueue(messages + [Suite.message(tenant: TenantID("other"))])
            let newestFirst = messages.reversed().map(\.id)

            #expect(try await store.listMessages(MessageQuery(tenant: shop)).map(\.id) == newestFirst)
            #expect(try await store.listMessages(MessageQuery(tenant: shop, offset: 2, limit: 3)).map(\.id) == Array(newestFirst[2..<5]))
            #expect(try await store.listMessages(MessageQuery(tenant: shop, olderThan: newestFirst[1], limit: 2)).map(\.id) == Array(newestFirst[2..<4]))
            #expect(try await store.listMessages(MessageQuery(tenant: shop, recipient: "+31600000002")).map(\.id) == [messages[5].id, messages[3].id, messages[1].id])
            #expect(try await store.listMessages(MessageQuery(
                tenant: shop, createdFrom: Suite.start.addingTimeInterval(2), createdBefore: Suite.start.addingTimeInterval(4)
            )).map(\.id) == [messages[3].id, messages[2].id])
            #expect(try await store.listMessages(MessageQuery(tenant: shop, channel: "whatsapp")).isEmpty)

            // The other tenant's message is among the three oldest.
            _ = try await Suite.claim(store, limit: 3, at: Suite.start.addingTimeInterval(10))
            let sending = try await store.listMessages(MessageQuery(tenant: shop, statuses: [.sending]))
            #expect(sending.count == 2)
            #expect(try await store.listMessages(MessageQuery(tenant: shop, statuses: [.queued, .sending])).count == 7)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func countsByStatusPerTenant(kind: StoreKind) async throws {
        try await kind.withStore { store in
            _ = try await store.enqueue([
                Suite.message(tenant: TenantID("a")), Suite.message(tenant: TenantID("a")),
                Suite.message(tenant: TenantID("a"), sendAt: Suite.start.addingTimeInterval(60)), Suite.message(tenant: TenantID("b")),
            ])
            #expect(try await store.countByStatus(tenant: TenantID("a")) == [.queued: 2, .scheduled: 1])
            #expect(try await store.countByStatus(tenant: nil) == [.queued: 3, .scheduled: 1])
            #expect(try await store.countByStatus(tenant: TenantID("none")) == [:])
        }
    }
}
