import Foundation
import Hummingbird
import NIOHTTP1
import Storage
import SyncBridgeCore
import SyncBridgeServer
import SyncBridgeTestSupport
import Testing

/// The OpenAPI document describes every route the server serves, and the server serves it.
@Suite struct OpenAPITests {
    static func document() throws -> JSONValue {
        try JSONParser.parse(bytes: OpenAPIDocument.bytes)
    }

    @Test func everyRouteIsDocumented() async throws {
        let doc = try Self.document()
        #expect(doc["openapi"] == "3.1.0")
        let paths = try #require(doc["paths"]?.objectValue)
        let store = try await TestStores.make(.sqlite)
        let client = HTTPClientForTests.shared
        let routes = APIServer(store: store, httpClient: client, logger: TestStores.logger).makeRouter().routes
        try await store.close()
        #expect(routes.count >= 25)
        for route in routes {
            // Hummingbird's `:id` is OpenAPI's `{id}`.
            let openAPIPath = route.path.split(separator: "/").map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }.joined(separator: "/")
            let item = paths["/" + openAPIPath]?.objectValue
            #expect(item?[route.method.lowercased()] != nil, "\(route.method) \(route.path) is not in openapi.json")
        }
        var documented = 0
        for (_, item) in paths { documented += item.objectValue?.keys.filter { ["get", "post", "patch", "delete", "put"].contains($0) }.count ?? 0 }
        #expect(documented == routes.count, "openapi.json documents routes the server does not serve")
    }

    @Test func servedWithoutAuth() async throws {
        try await withStore(.sqlite) { store in
            try await withAPI(store: store) { api in
                let r = try await api.request(.GET, "/openapi.json", authenticated: false)
                #expect(r.status == 200)
                #expect(r.json == (try Self.document()))
            }
        }
    }
}
