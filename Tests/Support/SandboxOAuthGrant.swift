import AsyncHTTPClient
import Foundation
import JSONCore
import NIOCore
import NIOHTTP1
import Testing

/// The consent (Allow) and the code exchange against the sandbox's OAuth server, as the connect flow does them, for
/// the `syncbridge` / `s3cret` client with redirect `http://127.0.0.1:9/cb`: a token pair living `lifetime` seconds.
public func sandboxOAuthGrant(_ sandboxURL: String, lifetime: Int) async throws -> JSONValue {
    let manual = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
    do {
        var consent = HTTPClientRequest(url: sandboxURL + "/oauth/authorizations")
        consent.method = .POST
        consent.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        consent.body = .bytes(
            ByteBuffer(string: "decision=allow&client_id=syncbridge&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcb&scope=read+write&state=s"))
        let answer = try await manual.execute(consent, timeout: .seconds(30))
        let location = try #require(answer.headers.first(name: "Location"))
        let code = try #require(URLComponents(string: location)?.queryItems?.first { $0.name == "code" }?.value)
        var exchange = HTTPClientRequest(url: sandboxURL + "/oauth/tokens")
        exchange.method = .POST
        exchange.headers.add(name: "Content-Type", value: "application/json")
        let body: JSONValue = [
            "grant_type": "authorization_code", "code": .string(code), "client_id": "syncbridge", "client_secret": "s3cret",
            "redirect_uri": "http://127.0.0.1:9/cb", "expires_in": .number(Double(lifetime)),
        ]
        exchange.body = .bytes(ByteBuffer(string: body.jsonString()))
        let response = try await manual.execute(exchange, timeout: .seconds(30))
        let tokens = try JSONParser.parse(String(buffer: try await response.body.collect(upTo: 1 << 20)))
        try #require(tokens["access_token"]?.stringValue != nil, "\(tokens.jsonString())")
        try await manual.shutdown()
        return tokens
    } catch {
        try? await manual.shutdown()
        throw error
    }
}
