import Foundation
import HeraldAPI
import HeraldCore
import Hummingbird
import HummingbirdTesting
import Testing

/// The document and the implementation describe the same API.
struct OpenAPIDocumentTests {
    static func documentOperations() async throws -> Set<String> {
        let found = Found()
        try await APITestHarness().test { client in
            let response = try await client.execute(uri: "/openapi.json", method: .get)
            #expect(response.status == .ok)
            let document = try #require(JSONValue.decode(response.body.readableBytesView))
            #expect(document["openapi"] == .string("3.1.0"))
            for (path, item) in document["paths"]?.objectValue ?? [:] {
                for method in (item.objectValue ?? [:]).keys where ["get", "post", "put", "patch", "delete"].contains(method) {
                    found.operations.withLock { _ = $0.insert("\(method.uppercased()) \(path)") }
                }
            }
        }
        return found.operations.withLock { $0 }
    }

    final class Found: Sendable {
        let operations = Mutex<Set<String>>([])
    }

    @Test func everyRouteIsDocumentedAndEveryDocumentedRouteExists() async throws {
        let router = try buildRouter(try APITestHarness().dependencies())
        let routed = Set(router.routes.map { route in
            // Hummingbird writes `:id` where OpenAPI writes `{id}`.
            let path = route.path.description.split(separator: "/").map { part in
                part.hasPrefix(":") ? "{\(part.dropFirst())}" : String(part)
            }.joined(separator: "/")
            return "\(route.method.rawValue) /\(path)"
        })
        let documented = try await Self.documentOperations()
        // Provider callbacks are called by Meta and Twilio in their own formats, not by clients of
        // the API; README's "Delivery receipts" describes them.
        let callbacks: Set<String> = ["GET /api/v1/callbacks/whatsapp", "POST /api/v1/callbacks/whatsapp", "POST /api/v1/callbacks/twilio"]
        #expect(callbacks.isSubset(of: routed))
        #expect(routed.subtracting(documented).subtracting(callbacks).sorted() == [], "routes missing from openapi.yaml")
        #expect(documented.subtracting(routed).sorted() == [], "documented operations with no route")
        // The ingest routes are Herald's own conversion of the generated operations, registered once.
        for path in ["/api/v1/messages", "/api/v1/messages/batch"] {
            #expect(router.routes.filter { $0.method == .post && $0.path.description == path }.count == 1, "\(path)")
        }
    }

    /// `POST /api/v1/messages` converts the generated operation's answer itself; `GET` of the
    /// same message goes through the generated conversion. Both say the same.
    @Test func theIngestRouteAnswersAsTheGeneratedRoutesDo() async throws {
        try await APITestHarness().test { client in
            let (status, created, headers) = try await client.call(.post, "/api/v1/messages", json: #"{"url": "https://x.test", "content": "x", "metadata": {"n": 1.5, "list": [1, null]}, "conversation_id": 7}"#)
            #expect(status == .accepted)
            let id = try #require(created["id"]?.stringValue)
            let (readStatus, read, readHeaders) = try await client.call(.get, "/api/v1/messages/\(id)")
            #expect(readStatus == .ok)
            #expect(created == read)
            #expect(headers[.contentType] == readHeaders[.contentType])
        }
    }

    @Test func yamlAndDocsAreServedWithoutAKey() async throws {
        try await APITestHarness().test { client in
            let yaml = try await client.execute(uri: "/openapi.yaml", method: .get)
            #expect(yaml.status == .ok)
            #expect(String(buffer: yaml.body).hasPrefix("openapi: 3.1.0"))
            let docs = try await client.execute(uri: "/docs", method: .get)
            #expect(docs.status == .ok)
            let html = String(buffer: docs.body)
            #expect(html.contains("/api/v1/messages/batch"))
            #expect(html.contains("MessageCreate"))
            #expect(!html.contains("https://"), "the page must not load anything from elsewhere")
        }
    }
}

import NIOCore
import Synchronization
