import Hummingbird
import HeraldCore
import NIOCore

/// `/openapi.json`, `/openapi.yaml` and `/docs` (an HTML reference rendered from the document,
/// with no script or font from elsewhere, so it works offline). Open to everyone.
struct DocumentationController {
    func register(on router: Router<HeraldRequestContext>) {
        router.get("openapi.json") { _, _ in JSONResponse.make(status: .ok, json: OpenAPIDocument.json) }
        router.get("openapi.yaml") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: OpenAPIDocument.yaml))
            )
        }
        router.get("docs") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: Self.html))
            )
        }
    }

    /// Rendered once: the document does not change while the process runs.
    static let html = APIReferencePage.render(OpenAPIDocument.json)
}
