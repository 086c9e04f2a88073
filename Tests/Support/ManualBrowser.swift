import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// What a browser does, one request at a time and without following redirects, so a test can check every step of
/// a consent or connect flow: status, `Location`, body.
public struct ManualBrowser: Sendable {
    public let client: HTTPClient

    /// A client that follows no redirect; shut it down with ``shutdown()``.
    public init() {
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
    }

    /// One request; `form` is sent as `application/x-www-form-urlencoded`.
    public func go(_ method: HTTPMethod, _ url: String, form: String? = nil) async throws -> (status: Int, location: String?, body: String) {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let form {
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            request.body = .bytes(ByteBuffer(string: form))
        }
        let response = try await client.execute(request, timeout: .seconds(30))
        return (Int(response.status.code), response.headers.first(name: "Location"), String(buffer: try await response.body.collect(upTo: 1 << 20)))
    }

    public func shutdown() async throws { try await client.shutdown() }

    /// The query parameters of a URL.
    public static func query(_ url: String?) -> [String: String] {
        var out: [String: String] = [:]
        for item in URLComponents(string: url ?? "")?.queryItems ?? [] { out[item.name] = item.value }
        return out
    }
}
