import AsyncHTTPClient
import Foundation
import JSONCore
import NIOCore
import NIOHTTP1

/// The demo's client of the SyncBridge API (real HTTP, bearer token).
struct DemoClient: Sendable {
    let http: HTTPClient
    let base: String
    let token: String

    func send(_ method: HTTPMethod, _ path: String, _ body: JSONValue? = nil) async throws -> JSONValue {
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
            throw DemoError("\(method) \(path) answered \(response.status.code): \(text)")
        }
        return try JSONParser.parse(text)
    }
}

struct DemoError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
