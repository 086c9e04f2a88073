import AsyncHTTPClient
import Foundation
import JSONCore
import NIOCore
import NIOHTTP1

/// A client of the SyncBridge API for the demo and the benchmarks (real HTTP, bearer token).
public struct APIClient: Sendable {
    let http: HTTPClient
    let base: String
    let token: String

    /// A client of the API at `base`.
    public init(http: HTTPClient, base: String, token: String) {
        self.http = http
        self.base = base
        self.token = token
    }

    /// Sends a request; the answer's JSON, or ``APIClientError`` for a status outside 2xx.
    public func send(_ method: HTTPMethod, _ path: String, _ body: JSONValue? = nil) async throws -> JSONValue {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body.jsonString()))
        }
        let response = try await http.execute(request, timeout: .seconds(30))
        let text = String(buffer: try await response.body.collect(upTo: 16 * 1024 * 1024))
        guard (200..<300).contains(response.status.code) else {
            throw APIClientError("\(method) \(path) answered \(response.status.code): \(text)")
        }
        return try JSONParser.parse(text)
    }
}

/// What went wrong with a call, for people.
public struct APIClientError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
