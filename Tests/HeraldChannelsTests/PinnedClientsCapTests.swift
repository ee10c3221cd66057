import AsyncHTTPClient
@testable import HeraldChannels
import HeraldCore
import Testing

/// `outbound.max_pinned_clients`: the clients pinned to checked addresses are bounded; past the
/// bound the least recently used idle one is retired (and shut down by the owner), never one in use.
struct PinnedClientsCapTests {
    @Test func pastTheBoundTheLeastRecentlyUsedIdleClientIsRetired() async throws {
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let pinned = PinnedClients(configuration: .init(), eventLoopGroup: client.eventLoopGroup, maxClients: 2)
        let address = IPAddress.v4(0x7F00_0001)
        _ = try #require(pinned.acquire(host: "a.test", address: address))
        pinned.release(host: "a.test", address: address)
        _ = try #require(pinned.acquire(host: "b.test", address: address))
        pinned.release(host: "b.test", address: address)
        // b was used last; a is the least recently used.
        _ = try #require(pinned.acquire(host: "a.test", address: address))
        pinned.release(host: "a.test", address: address)
        _ = try #require(pinned.acquire(host: "c.test", address: address))
        #expect(pinned.count == 2)
        #expect(pinned.hasRetired)
        let retired = pinned.removeIdle()
        #expect(retired.count == 1)
        for old in retired { try await old.shutdown() }
        // b went: a and c stay.
        let before = pinned.count
        _ = try #require(pinned.acquire(host: "a.test", address: address))
        #expect(pinned.count == before, "a was kept")

        // Clients in use are never retired: the bound gives way instead.
        _ = try #require(pinned.acquire(host: "d.test", address: address))
        #expect(pinned.count == 3)
        #expect(!pinned.hasRetired)
        for open in pinned.close() { try await open.shutdown() }
        try await client.shutdown()
    }
}
