import AsyncHTTPClient
import Foundation
import JSONCore
import NIOCore
import NIOHTTP1
import SyncBridgeTestSupport
import Testing
import ZendeskSandbox

/// The sandbox's OAuth server, as Zendesk's: consent page, authorization codes with PKCE, expiring tokens on the
/// virtual clock, rotating refresh tokens, client credentials, scopes, revocation, and counts for tests.
@Suite struct OAuthTests {
    static let client = SandboxOAuthClient(
        identifier: "syncbridge", secret: "s3cret", redirectURIs: ["http://127.0.0.1:9/callback"], name: "SyncBridge")
    static let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"

    func withOAuthSandbox<R: Sendable>(_ body: @Sendable @escaping (SandboxHarness, ManualBrowser) async throws -> R) async throws -> R {
        try await withSandbox({ $0.oauthClients = [Self.client] }) { h in
            // The consent steps are checked redirect by redirect.
            let browser = ManualBrowser()
            do {
                let result = try await body(h, browser)
                try await browser.shutdown()
                return result
            } catch {
                try? await browser.shutdown()
                throw error
            }
        }
    }

    func raw(_ browser: ManualBrowser, _ method: HTTPMethod, _ url: String, form: String? = nil) async throws -> (Int, String?, String) {
        let answer = try await browser.go(method, url, form: form)
        return (answer.status, answer.location, answer.body)
    }

    func query(_ location: String?) -> [String: String] { ManualBrowser.query(location) }

    /// Allow on the consent page; returns the code.
    func authorize(_ h: SandboxHarness, _ manual: ManualBrowser, scope: String = "read write") async throws -> String {
        let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"  // S256 of the verifier (RFC 7636, appendix B)
        let new =
            h.base + "/oauth/authorizations/new?response_type=code&client_id=syncbridge&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcallback"
            + "&scope=\(scope.replacingOccurrences(of: " ", with: "+"))&state=xyz&code_challenge=\(challenge)&code_challenge_method=S256"
        let (status, _, page) = try await raw(manual, .GET, new)
        #expect(status == 200)
        #expect(page.contains("Allow SyncBridge to access your Zendesk account?"))
        #expect(page.contains(#"id="allow""#) && page.contains(#"id="deny""#))
        let form =
            "decision=allow&client_id=syncbridge&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcallback&scope=\(scope.replacingOccurrences(of: " ", with: "+"))&state=xyz&code_challenge=\(challenge)&code_challenge_method=S256"
        let (decided, location, _) = try await raw(manual, .POST, h.base + "/oauth/authorizations", form: form)
        #expect(decided == 302)
        #expect(location?.hasPrefix("http://127.0.0.1:9/callback?") == true)
        #expect(query(location)["state"] == "xyz")
        return try #require(query(location)["code"])
    }

    func exchange(_ h: SandboxHarness, _ body: JSONValue) async throws -> SandboxHarness.Reply {
        try await h.send(.POST, "/oauth/tokens", body: body, auth: nil)
    }

    @Test func authorizationCodeWithPKCEIsSingleUse() async throws {
        try await withOAuthSandbox { h, manual in
            let code = try await authorize(h, manual)
            let grant: JSONValue = [
                "grant_type": "authorization_code", "code": .string(code), "client_id": "syncbridge", "redirect_uri": "http://127.0.0.1:9/callback",
                "code_verifier": .string(Self.verifier), "expires_in": 60,
            ]
            let token = try await exchange(h, grant)
            #expect(token.status == 201)
            #expect(token.json["token_type"] == "bearer")
            #expect(token.json["scope"] == "read write")
            #expect(token.json["expires_in"] == 60)
            #expect(token.json["refresh_token_expires_in"] == 2_592_000)
            let access = try #require(token.json["access_token"]?.stringValue)
            #expect(try await h.get("/api/v2/tickets/1.json", auth: "Bearer \(access)").status == 200)
            let again = try await exchange(h, grant)
            #expect(again.status == 400)
            #expect(again.json["error"] == "invalid_grant")

            let other = try await authorize(h, manual)
            let wrongVerifier = try await exchange(
                h,
                [
                    "grant_type": "authorization_code", "code": .string(other), "client_id": "syncbridge", "code_verifier": "not-the-verifier",
                ])
            #expect(wrongVerifier.status == 400)
            #expect(wrongVerifier.json["error"] == "invalid_grant")
            #expect(wrongVerifier.json["error_description"] == "The code verifier does not match the code challenge.")
        }
    }

    @Test func denyAndBadRequestsNeverHandOutACode() async throws {
        try await withOAuthSandbox { h, manual in
            let form = "decision=deny&client_id=syncbridge&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcallback&state=abc"
            let (status, location, _) = try await raw(manual, .POST, h.base + "/oauth/authorizations", form: form)
            #expect(status == 302)
            #expect(query(location) == ["error": "access_denied", "error_description": "The resource owner denied the request.", "state": "abc"])
            let (unknown, unknownLocation, page) = try await raw(
                manual, .GET,
                h.base + "/oauth/authorizations/new?response_type=code&client_id=nope&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcallback")
            #expect(unknown == 400)
            #expect(unknownLocation == nil)
            #expect(page.contains("unknown <code>client_id</code>"))
            let (mismatch, mismatchLocation, _) = try await raw(
                manual, .GET, h.base + "/oauth/authorizations/new?response_type=code&client_id=syncbridge&redirect_uri=http%3A%2F%2Fevil.example%2Fcb"
            )
            #expect(mismatch == 400)
            #expect(mismatchLocation == nil)
        }
    }

    /// Tokens expire on the virtual clock; a refresh rotates the pair and the used one is dead at once.
    @Test func refreshRotatesAndExpiryFollowsTheVirtualClock() async throws {
        try await withOAuthSandbox { h, manual in
            let code = try await authorize(h, manual)
            let first = try await exchange(
                h,
                [
                    "grant_type": "authorization_code", "code": .string(code), "client_id": "syncbridge", "code_verifier": .string(Self.verifier),
                    "expires_in": 60,
                ])
            let access = try #require(first.json["access_token"]?.stringValue)
            let refresh = try #require(first.json["refresh_token"]?.stringValue)
            _ = try await h.post("/__sandbox/clock", ["advance_seconds": 61])
            let expired = try await h.get("/api/v2/tickets/1.json", auth: "Bearer \(access)")
            #expect(expired.status == 401)
            #expect(expired.json["error"] == "Couldn't authenticate you")

            let rotated = try await exchange(
                h,
                [
                    "grant_type": "refresh_token", "refresh_token": .string(refresh), "client_id": "syncbridge", "client_secret": "s3cret",
                    "expires_in": 30,
                ])
            #expect(rotated.status == 201)
            #expect(rotated.json["expires_in"] == 30)
            let next = try #require(rotated.json["access_token"]?.stringValue)
            #expect(rotated.json["refresh_token"]?.stringValue != refresh)
            #expect(try await h.get("/api/v2/tickets/1.json", auth: "Bearer \(next)").status == 200)
            let reused = try await exchange(
                h, ["grant_type": "refresh_token", "refresh_token": .string(refresh), "client_id": "syncbridge", "client_secret": "s3cret"])
            #expect(reused.status == 400)
            #expect(reused.json["error"] == "invalid_grant")
            let badSecret = try await exchange(
                h,
                ["grant_type": "refresh_token", "refresh_token": rotated.json["refresh_token"]!, "client_id": "syncbridge", "client_secret": "wrong"])
            #expect(badSecret.status == 401)
            #expect(badSecret.json["error"] == "invalid_client")

            let stats = try await h.get("/__sandbox/stats").json["oauth"]
            #expect(stats?["grants"] == ["syncbridge": 2])
            #expect(stats?["refreshes"] == ["syncbridge": 1])
            #expect(stats?["refused"] == ["invalid_grant": 1, "invalid_client": 1])
            #expect(stats?["live_tokens"] == 1)
        }
    }

    /// A `read` token reads and gets 403 on writes; client credentials give a token without a refresh token; a revoked
    /// token is a 401; `/api/v2/oauth/tokens` is the admin listing, not the grant endpoint.
    @Test func scopesClientCredentialsAndRevocation() async throws {
        try await withOAuthSandbox { h, _ in
            let token = try await exchange(
                h, ["grant_type": "client_credentials", "client_id": "syncbridge", "client_secret": "s3cret", "scope": "read"])
            #expect(token.status == 201)
            #expect(token.json["refresh_token"] == nil)
            let access = try #require(token.json["access_token"]?.stringValue)
            #expect(try await h.get("/api/v2/tickets/1.json", auth: "Bearer \(access)").status == 200)
            let write = try await h.send(.PUT, "/api/v2/tickets/1.json", body: ["ticket": ["status": "open"]], auth: "Bearer \(access)")
            #expect(write.status == 403)

            let listed = try await h.get("/api/v2/oauth/tokens.json")
            #expect(listed.status == 200)
            let id = try #require(listed.json["tokens"]?.arrayValue?.first?["id"]?.numberValue)
            #expect(listed.json["tokens"]?.arrayValue?.first?["scopes"] == ["read"])
            #expect(try await h.send(.DELETE, "/api/v2/oauth/tokens/\(Int(id)).json", body: nil).status == 204)
            #expect(try await h.get("/api/v2/tickets/1.json", auth: "Bearer \(access)").status == 401)
            let unsupported = try await exchange(h, ["grant_type": "password", "client_id": "syncbridge"])
            #expect(unsupported.json["error"] == "unsupported_grant_type")
            let unknown = try await exchange(h, ["grant_type": "client_credentials", "client_id": "nobody", "client_secret": "x"])
            #expect(unknown.status == 401)
            #expect(unknown.json["error"] == "invalid_client")
            let created = try await h.post(
                "/api/v2/oauth/clients.json", ["client": ["identifier": "other", "name": "Other", "redirect_uri": ["http://127.0.0.1:9/x"]]])
            #expect(created.status == 201)
            #expect(created.json["client"]?["secret"]?.stringValue?.isEmpty == false)
            let clients = try await h.get("/api/v2/oauth/clients.json").json["clients"]?.arrayValue?.compactMap { $0["identifier"]?.stringValue }
            #expect(clients == ["other", "syncbridge"])
        }
    }
}
