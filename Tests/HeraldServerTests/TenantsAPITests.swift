import Foundation
import HTTPTypes
import HeraldCore
import HeraldStore
import HeraldTestSupport
import HummingbirdTesting
import Testing

/// Tenants, keys and quotas through the admin API, and what they mean for tenants' keys.
struct TenantsAPITests {
    static let admin = APITestHarness.adminKey

    @Test func adminManagesTenantsAndTheirKeys() async throws {
        try await APITestHarness().test { client in
            let (created, tenant, _) = try await client.call(.post, "/api/v1/tenants", json: #"{"id": "shop-1", "name": "Shop One"}"#, key: Self.admin)
            #expect(created == .created)
            #expect(tenant["status"] == .string("active"))
            let (duplicate, conflict, _) = try await client.call(.post, "/api/v1/tenants", json: #"{"id": "shop-1"}"#, key: Self.admin)
            #expect(duplicate == .conflict)
            #expect(conflict["error"] == .string("tenant_exists"))

            let (_, list, _) = try await client.call(.get, "/api/v1/tenants", key: Self.admin)
            guard case .array(let tenants)? = list["tenants"] else { return }
            #expect(tenants.compactMap { $0["id"]?.stringValue } == ["default", "shop-1"])
            // No quota is an explicit null, as are a key's empty fields below: clients read them.
            #expect(tenants.last?["quota"] == .null)

            // A key, shown once, that works for its tenant only.
            let (keyStatus, newKey, _) = try await client.call(.post, "/api/v1/tenants/shop-1/keys", json: #"{"name": "checkout"}"#, key: Self.admin)
            #expect(keyStatus == .created)
            let secret = try #require(newKey["key"]?.stringValue)
            let keyID = try #require(newKey["id"]?.stringValue)
            let (_, keys, _) = try await client.call(.get, "/api/v1/tenants/shop-1/keys", key: Self.admin)
            guard case .array(let listed)? = keys["keys"] else { return }
            #expect(listed.count == 1)
            #expect(listed.first?["key"] == nil)
            #expect(listed.first?["prefix"]?.stringValue.map { secret.hasPrefix($0) } == true)
            #expect(listed.first?["name"] == .string("checkout"))
            #expect(listed.first?["revoked_at"] == .null)
            #expect(listed.first?["status"] == .string("active"))

            let (sent, message, _) = try await client.call(.post, "/api/v1/messages", json: #"{"url": "https://x.test", "content": "a"}"#, key: secret)
            #expect(sent == .accepted)
            #expect(message["tenant_id"] == .string("shop-1"))

            // Disabled tenants' keys get 401; enabling brings them back.
            let (disabled, off, _) = try await client.call(.post, "/api/v1/tenants/shop-1/disable", key: Self.admin)
            #expect(disabled == .ok)
            #expect(off["disabled"] == .bool(true))
            #expect(try await client.call(.get, "/api/v1/messages", key: secret).status == .unauthorized)
            _ = try await client.call(.post, "/api/v1/tenants/shop-1/enable", key: Self.admin)
            #expect(try await client.call(.get, "/api/v1/messages", key: secret).status == .ok)

            // Revoked keys get 401.
            let (revoked, _, _) = try await client.call(.delete, "/api/v1/tenants/shop-1/keys/\(keyID)", key: Self.admin)
            #expect(revoked == .ok)
            #expect(try await client.call(.get, "/api/v1/messages", key: secret).status == .unauthorized)
            #expect(try await client.call(.delete, "/api/v1/tenants/shop-1/keys/\(keyID)", key: Self.admin).status == .notFound)
            // Clients that cannot send DELETE revoke by POST.
            let (_, unnamed, _) = try await client.call(.post, "/api/v1/tenants/shop-1/keys", key: Self.admin)
            #expect(unnamed["name"] == .null)
            let unnamedID = try #require(unnamed["id"]?.stringValue)
            let (revokedByPost, revokedKey, _) = try await client.call(.post, "/api/v1/tenants/shop-1/keys/\(unnamedID)/revoke", key: Self.admin)
            #expect(revokedByPost == .ok)
            #expect(revokedKey == .object(["id": .string(unnamedID), "status": .string("revoked")]))

            let (patched, renamed, _) = try await client.call(.patch, "/api/v1/tenants/shop-1", json: #"{"name": "Shop 1", "quota": {"limit": 10, "period": "month"}}"#, key: Self.admin)
            #expect(patched == .ok)
            #expect(renamed["name"] == .string("Shop 1"))
            #expect(renamed["quota"] == .object(["limit": .number(10), "period": .string("month")]))
            // An absent quota keeps it, a null one removes it; the id cannot change.
            let (_, kept, _) = try await client.call(.patch, "/api/v1/tenants/shop-1", json: #"{"disabled": false}"#, key: Self.admin)
            #expect(kept["quota"] == .object(["limit": .number(10), "period": .string("month")]))
            let (_, cleared, _) = try await client.call(.patch, "/api/v1/tenants/shop-1", json: #"{"quota": null}"#, key: Self.admin)
            #expect(cleared["quota"] == .null)
            let (renaming, refused, _) = try await client.call(.patch, "/api/v1/tenants/shop-1", json: #"{"id": "shop-2", "name": 3}"#, key: Self.admin)
            #expect(renaming == .unprocessableContent)
            guard case .array(let problems)? = refused["details"] else { return }
            #expect(Set(problems.compactMap { $0["field"]?.stringValue }) == ["id", "name"])
            #expect(try await client.call(.get, "/api/v1/tenants/nobody", key: Self.admin).status == .notFound)
        }
    }

    @Test func rolesAreKeptApart() async throws {
        try await APITestHarness().test { client in
            let (asTenant, error, _) = try await client.call(.get, "/api/v1/tenants")
            #expect(asTenant == .forbidden)
            #expect(error["error"] == .string("admin_key_required"))
            let (asAdmin, adminError, _) = try await client.call(.post, "/api/v1/messages", json: #"{"url": "https://x.test", "content": "a"}"#, key: Self.admin)
            #expect(asAdmin == .forbidden)
            #expect(adminError["error"] == .string("tenant_key_required"))
            #expect(try await client.call(.get, "/api/v1/tenants", key: "nonsense").status == .unauthorized)
        }
    }

    @Test(arguments: [
        (#"{"id": "Bad Id!"}"#, "id"),
        (#"{"id": 7}"#, "id"),
        (#"{"id": "ok", "quota": {"limit": -1, "period": "day"}}"#, "quota.limit"),
        (#"{"id": "ok", "quota": {"limit": 5, "period": "week"}}"#, "quota.period"),
        (#"{"id": "ok", "disabled": "no"}"#, "disabled"),
        (#"{"id": "ok", "name": ""}"#, "name"),
    ])
    func badTenantBodies(json: String, field: String) async throws {
        try await APITestHarness().test { client in
            let (status, body, _) = try await client.call(.post, "/api/v1/tenants", json: json, key: Self.admin)
            #expect(status == .unprocessableContent)
            guard case .array(let details)? = body["details"] else {
                Issue.record("no details in \(body)")
                return
            }
            #expect(details.compactMap { $0["field"]?.stringValue } == [field])
        }
    }

    @Test func quotaRefusesMessagesPastTheLimit() async throws {
        let harness = APITestHarness()
        try await harness.createTenant(.default, quota: Quota(limit: 3, period: .day))
        try await harness.test { client in
            for index in 0..<2 {
                let (status, _, _) = try await client.call(.post, "/api/v1/messages", json: #"{"url": "https://x.test", "content": "m\#(index)"}"#)
                #expect(status == .accepted)
            }
            // The batch takes the one place left and refuses the rest item by item.
            let (batchStatus, batch, _) = try await client.call(.post, "/api/v1/messages/batch", json: #"[{"url": "https://x.test", "content": "b0"}, {"url": "https://x.test", "content": "b1"}]"#)
            #expect(batchStatus == .accepted)
            guard case .array(let results)? = batch["results"] else { return }
            #expect(results.map { $0["status"]?.stringValue } == ["accepted", "rejected"])
            #expect(results[1]["error"]?["error"] == .string("quota_exceeded"))

            let (status, body, _) = try await client.call(.post, "/api/v1/messages", json: #"{"url": "https://x.test", "content": "over"}"#)
            #expect(status == .tooManyRequests)
            #expect(body["error"] == .string("quota_exceeded"))
            #expect(body["code"] == .string("QUOTA_EXCEEDED"))

            let (_, quota, _) = try await client.call(.get, "/api/v1/tenants/default/quota")
            #expect(quota["used"] == .number(3))
            #expect(quota["remaining"] == .number(0))
            #expect(quota["limit"] == .number(3))
            #expect(quota["period"] == .string("day"))
            #expect(try await client.call(.get, "/api/v1/tenants/other/quota").status == .notFound)
            #expect(try await client.call(.get, "/api/v1/tenants/default/quota", key: Self.admin).status == .ok)
        }
        #expect(try await harness.store.countByStatus(tenant: .default) == [.queued: 3])
    }

    @Test func aTenantCreatedWithoutAnIDGetsOne() async throws {
        try await APITestHarness().test { client in
            let (status, tenant, _) = try await client.call(.post, "/api/v1/tenants", json: #"{"name": "Unnamed Shop"}"#, key: Self.admin)
            #expect(status == .created)
            let id = try #require(tenant["id"]?.stringValue)
            #expect(id.hasPrefix("tenant_") && id.count == 23 && Tenant.isValidID(id))
            #expect(tenant["name"] == .string("Unnamed Shop"))
            let (_, other, _) = try await client.call(.post, "/api/v1/tenants", json: "{}", key: Self.admin)
            #expect(other["id"] != tenant["id"])
            #expect(try await client.call(.get, "/api/v1/tenants/\(id)", key: Self.admin).status == .ok)
        }
    }
}
