import Foundation
import Hummingbird
import NIOCore
import Storage
import SyncBridgeCore

/// `/health` (no auth) and `/openapi.json` (no auth): liveness and the API's own description.
struct SystemRoutes {
    let api: APIServices

    func register(_ r: RouteRegistrar) {
        r.add(.get, "/health") { _, _ in
            // A trivial read proves the database answers, not just the process.
            _ = try await api.store.transaction { try await $0.environment(named: "") }
            // `now` is the process's clock, to spot a skewed one (and, in tests, a followed test clock).
            return JSONResponse.make(["status": "ok", "database": .string(api.store.driverName), "now": api.clock.now().json])
        }
        r.add(.get, "/openapi.json") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: OpenAPIDocument.bytes))
            )
        }
    }
}

/// The OpenAPI 3.1 document of the API, shipped as a resource of this module.
public enum OpenAPIDocument {
    /// The document's bytes.
    public static let bytes: [UInt8] = {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json"), let data = try? Data(contentsOf: url) else {
            return Array(#"{"openapi":"3.1.0","info":{"title":"SyncBridge","version":"unknown"},"paths":{}}"#.utf8)
        }
        return Array(data)
    }()
}
