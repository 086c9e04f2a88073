import AsyncHTTPClient
import Foundation
import JSONCore
import NIOCore
import NIOHTTP1
import SyncBridgeTestSupport
import Testing
import ZendeskSandbox

/// A sandbox on a random loopback port, and a client that authenticates like a Zendesk client.
struct SandboxHarness: Sendable {
    let base: String
    let client: HTTPClient

    struct Reply: Sendable {
        let status: Int
        let json: JSONValue
        let headers: [String: String]
    }

    static let basic = "Basic " + Data("admin@example.com/token:sandbox-token".utf8).base64EncodedString()

    /// GETs a path (relative to the base) or an absolute URL as given.
    func get(_ pathOrURL: String, auth: String? = SandboxHarness.basic) async throws -> Reply {
        try await send(.GET, pathOrURL, body: nil, auth: auth)
    }

    func send(_ method: HTTPMethod, _ pathOrURL: String, body: JSONValue?, auth: String? = SandboxHarness.basic) async throws -> Reply {
        var request = HTTPClientRequest(url: pathOrURL.hasPrefix("http") ? pathOrURL : base + pathOrURL)
        request.method = method
        if let auth { request.headers.add(name: "Authorization", value: auth) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body.jsonString()))
        }
        let response = try await client.execute(request, timeout: .seconds(30))
        let text = String(buffer: try await response.body.collect(upTo: 64 * 1024 * 1024))
        var headers: [String: String] = [:]
        for h in response.headers { headers[h.name.lowercased()] = h.value }
        return Reply(status: Int(response.status.code), json: text.isEmpty ? .null : (try? JSONParser.parse(text)) ?? .string(text), headers: headers)
    }

    func post(_ path: String, _ body: JSONValue) async throws -> Reply { try await send(.POST, path, body: body) }
    func put(_ path: String, _ body: JSONValue) async throws -> Reply { try await send(.PUT, path, body: body) }

    /// Cursor pagination as clients use it: from `path`, follows `links.next` while `meta.has_more`, every page
    /// answering 200. Returns the items under `key` and how many pages there were.
    func followingLinksNext(_ path: String, key: String) async throws -> (items: [JSONValue], pages: Int) {
        var items: [JSONValue] = []
        var pages = 0
        var next: String? = path
        while let url = next {
            let page = try await get(url)
            #expect(page.status == 200, "\(url)")
            items += page.json[key]?.arrayValue ?? []
            pages += 1
            next = page.json["meta"]?["has_more"] == true ? page.json["links"]?["next"]?.stringValue : nil
        }
        return (items, pages)
    }
}

/// Runs a sandbox for the duration of `body`.
func withSandbox<R: Sendable>(
    _ configure: (inout SandboxConfiguration) -> Void = { _ in }, _ body: @Sendable @escaping (SandboxHarness) async throws -> R
) async throws -> R {
    var configuration = SandboxConfiguration()
    configuration.tickets = 250
    configuration.recentWindow = 0
    configure(&configuration)
    let client = HTTPClient(eventLoopGroupProvider: .singleton)
    let sandbox = ZendeskSandbox(configuration: configuration, httpClient: client, logger: TestStores.logger)
    do {
        let result = try await whileServing(
            { (address: @Sendable @escaping (String) -> Void) in
                try await sandbox.run { address($0) }
            }, { url in try await body(SandboxHarness(base: url, client: client)) })
        try await client.shutdown()
        return result
    } catch {
        try? await client.shutdown()
        throw error
    }
}
