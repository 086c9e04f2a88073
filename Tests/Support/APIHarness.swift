import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTP1
import Storage
import SyncBridgeCore
import SyncBridgeServer

/// A live API server on a random loopback port, over a real store, with a client that speaks JSON.
public struct APIHarness: Sendable {
    /// `http://127.0.0.1:<port>`.
    public let baseURL: String
    public let store: any Store
    public let client: HTTPClient
    /// A token of the `default` environment.
    public let token: String

    /// An answer: status and parsed JSON body (`null` when empty).
    public struct Reply: Sendable {
        public let status: Int
        public let json: JSONValue
        public let headers: [String: String]

        /// `json[key]` as a string.
        public func string(_ key: String) -> String? { json[key]?.stringValue }
    }

    /// Sends a request. `body` is sent as JSON text; `raw` as given (for malformed-input tests).
    public func request(
        _ method: NIOHTTP1.HTTPMethod, _ path: String, json body: JSONValue? = nil, raw: String? = nil, token: String? = nil,
        headers: [(String, String)] = [], authenticated: Bool = true
    ) async throws -> Reply {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        if authenticated { request.headers.add(name: "Authorization", value: "Bearer \(token ?? self.token)") }
        if let text = raw ?? body?.jsonString() {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: text))
        }
        for (name, value) in headers { request.headers.replaceOrAdd(name: name, value: value) }
        let response = try await client.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 16 * 1024 * 1024)
        let text = String(buffer: bytes)
        var headerMap: [String: String] = [:]
        for h in response.headers { headerMap[h.name.lowercased()] = h.value }
        return Reply(status: Int(response.status.code), json: text.isEmpty ? .null : try JSONParser.parse(text), headers: headerMap)
    }

    /// Another environment's token.
    public func token(environment: String) async throws -> String {
        try await TokenIssuer(store: store).createToken(name: "test", environment: environment).token
    }
}

/// Starts the API over `store` for the duration of `body`.
public func withAPI<R: Sendable>(
    store: any Store, configuration: APIConfiguration = APIConfiguration(host: "127.0.0.1", port: 0),
    _ body: @Sendable @escaping (APIHarness) async throws -> R
) async throws -> R {
    let token = try await TokenIssuer(store: store).createToken(name: "test", environment: "default").token
    let client = HTTPClient(eventLoopGroupProvider: .singleton)
    do {
        let result = try await runServer(store: store, client: client, configuration: configuration) { port in
            try await body(APIHarness(baseURL: "http://127.0.0.1:\(port)", store: store, client: client, token: token))
        }
        try await client.shutdown()
        return result
    } catch {
        try? await client.shutdown()
        throw error
    }
}

/// Runs the API application until `body` returns, then shuts it down.
func runServer<R: Sendable>(
    store: any Store, client: HTTPClient, configuration: APIConfiguration, _ body: @Sendable @escaping (Int) async throws -> R
) async throws -> R {
    let server = APIServer(store: store, httpClient: client, configuration: configuration, logger: TestStores.logger)
    return try await whileServing(
        { (address: @Sendable @escaping (Int) -> Void) in
            try await server.makeApplication { port in address(port) }.runService(gracefulShutdownSignals: [])
        }, body)
}
