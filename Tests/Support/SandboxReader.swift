import AsyncHTTPClient
import Foundation
import JSONCore
import NIOCore
import NIOHTTP1

/// Reads (and changes) a Zendesk sandbox over HTTP with the default admin's credentials: the ground truth a test
/// compares delivered records with.
public struct SandboxReader: Sendable {
    public let client: HTTPClient
    public let baseURL: String

    public init(client: HTTPClient, baseURL: String) {
        self.client = client
        self.baseURL = baseURL
    }

    /// One request; the parsed body (`null` when empty).
    public func call(_ method: HTTPMethod = .GET, _ path: String, _ body: JSONValue? = nil) async throws -> JSONValue {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Basic " + Data("admin@example.com/token:sandbox-token".utf8).base64EncodedString())
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body.jsonString()))
        }
        let response = try await client.execute(request, timeout: .seconds(30))
        let text = String(buffer: try await response.body.collect(upTo: 64 * 1024 * 1024))
        return text.isEmpty ? .null : try JSONParser.parse(text)
    }

    /// Every record of a list, following cursor pages.
    public func all(_ path: String, key: String) async throws -> [JSONValue] {
        var out: [JSONValue] = []
        var next: String? = path + (path.contains("?") ? "&" : "?") + "page%5Bsize%5D=100"
        while let p = next {
            let page = try await call(.GET, p)
            out += page[key]?.arrayValue ?? []
            next =
                page["meta"]?["has_more"]?.boolValue == true ? page["links"]?["next"]?.stringValue.map { String($0.dropFirst(baseURL.count)) } : nil
        }
        return out
    }

    /// Ticket ids, and the number of comments over all tickets.
    public func ticketsAndCommentCount() async throws -> (tickets: [String], comments: Int) {
        let tickets = try await all("/api/v2/tickets.json", key: "tickets").compactMap { $0["id"]?.numberValue.map { String(Int($0)) } }
        var comments = 0
        for t in tickets { comments += try await all("/api/v2/tickets/\(t)/comments.json", key: "comments").count }
        return (tickets, comments)
    }
}
