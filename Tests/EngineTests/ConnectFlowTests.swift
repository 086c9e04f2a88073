import AsyncHTTPClient
import Foundation
import JSONCore
import NIOCore
import NIOHTTP1
import Storage
import SyncBridgeCore
import SyncBridgeTestSupport
import Testing
import ZendeskSandbox

/// Connecting an account the way Zendesk requires: a link token, SyncBridge's connect page, the sandbox's consent
/// page, the callback, the account. Each redirect is followed by hand, as a browser would, over real HTTP.
@Suite struct ConnectFlowTests {
    static let done = "http://127.0.0.1:9/done"

    typealias Browser = ManualBrowser

    static func query(_ url: String?) -> [String: String] { ManualBrowser.query(url) }

    static func encode(_ fields: [String: String]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return fields.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed) ?? $0.value)" }
            .joined(separator: "&")
    }

    /// Registers the OAuth client with the sandbox (its redirect is this API's callback) and the app in SyncBridge.
    static func configure(_ h: EngineHarness) async throws {
        let client = try await h.zendesk(
            .POST, "/api/v2/oauth/clients.json",
            [
                "client": [
                    "identifier": "syncbridge", "name": "SyncBridge", "secret": "s3cret",
                    "redirect_uri": [.string(h.api.baseURL + "/oauth/callback")],
                ]
            ])
        try #require(client["client"]?["identifier"] == "syncbridge")
        let app = try await h.api.request(
            .PUT, "/environment-integration/zendesk", json: ["oauth": ["client_id": "syncbridge", "client_secret": "s3cret", "scopes": "read write"]])
        #expect(app.status == 201)
        #expect(app.json["oauth"] == ["client_id": "syncbridge", "scopes": "read write", "has_client_secret": true])
    }

    func link(_ h: EngineHarness, _ extra: [String: JSONValue] = [:]) async throws -> (token: String, url: String) {
        var body: [String: JSONValue] = ["tenant_id": "acme-2", "redirect_uri": .string(Self.done), "context": ["base_url": .string(h.sandboxURL)]]
        body.merge(extra) { _, new in new }
        let r = try await h.api.request(.POST, "/link-token", json: .object(body))
        #expect(r.status == 201, "\(r.json.jsonString())")
        #expect(r.string("integration_name") == "zendesk")
        return (try #require(r.string("link_token")), try #require(r.string("url")))
    }

    /// Connect page → consent page; returns the consent page's query (what its form posts back).
    func toConsent(_ browser: Browser, _ h: EngineHarness, _ url: String) async throws -> [String: String] {
        let page = try await browser.go(.GET, url)
        #expect(page.status == 200)
        #expect(page.body.contains("Connect your Zendesk account"))
        // A base_url typed into the form goes nowhere: the code and the secret only go where the link says.
        let started = try await browser.go(.POST, url, form: "subdomain=evil&base_url=http%3A%2F%2Fevil.example")
        #expect(started.status == 302)
        let consent = try #require(started.location)
        #expect(consent.hasPrefix(h.sandboxURL + "/oauth/authorizations/new?"), "\(consent)")
        let shown = try await browser.go(.GET, consent)
        #expect(shown.status == 200)
        #expect(shown.body.contains("Allow SyncBridge to access your Zendesk account?"))
        return Self.query(consent)
    }

    /// Allow (or Deny) on the consent page; returns where Zendesk sends the browser (the callback).
    func decide(_ browser: Browser, _ h: EngineHarness, _ consent: [String: String], allow: Bool) async throws -> String {
        var fields = consent.filter { $0.key != "response_type" }
        fields["decision"] = allow ? "allow" : "deny"
        let decided = try await browser.go(.POST, h.sandboxURL + "/oauth/authorizations", form: Self.encode(fields))
        #expect(decided.status == 302)
        let callback = try #require(decided.location)
        #expect(callback.hasPrefix(h.api.baseURL + "/oauth/callback?"), "\(callback)")
        return callback
    }

    @Test(arguments: StoreKind.available)
    func linkConsentCallbackAccountAndARun(kind: StoreKind) async throws {
        try await withEngine(kind, tickets: 30) { h in
            let browser = ManualBrowser()
            defer { _ = browser.client.shutdown() }
            try await Self.configure(h)
            let webhook = try await h.webhook()
            let (_, url) = try await link(h)
            let consent = try await toConsent(browser, h, url)
            #expect(consent["code_challenge_method"] == "S256")
            #expect(consent["scope"] == "read write")
            let callback = try await decide(browser, h, consent, allow: true)
            let landed = try await browser.go(.GET, callback)
            #expect(landed.status == 302)
            let back = try #require(landed.location)
            #expect(back.hasPrefix(Self.done + "?integrated_account_id="))
            let accountId = try #require(Self.query(back)["integrated_account_id"])

            let account = try await h.api.request(.GET, "/integrated-account/\(accountId)")
            #expect(account.json["status"] == "active")
            #expect(account.json["tenant_id"] == "acme-2")
            #expect(account.json["context"]?["client_id"] == "syncbridge")
            #expect(account.json["context"]?["base_url"] == .string(h.sandboxURL))
            #expect(account.json["context"]?["token_expires_at"]?.stringValue != nil)
            for secret in ["access_token", "refresh_token", "client_secret"] { #expect(account.json["context"]?[secret] == nil) }
            #expect(account.json["warnings"] == [])

            // The same answer again: the state was spent.
            let replay = try await browser.go(.GET, callback)
            #expect(replay.status == 302)
            #expect(Self.query(replay.location) == ["error": "invalid_state"])
            // The link too.
            let reused = try await browser.go(.GET, url)
            #expect(Self.query(reused.location) == ["error": "link_used"])

            // The account works: a run reads through its OAuth token.
            let run = try await h.run(
                job: try await h.job([["resource": "ticketing/tickets", "method": "list"]]), account: accountId, webhook: webhook.id)
            #expect(run["status"] == "completed")
            #expect(h.events().filter { $0.event == "sync_job_run:record" }.flatMap(\.records).count == 30)
            try await waitUntil {
                let events = h.receiver.deliveries.compactMap { try? JSONParser.parse($0.body)["event"]?.stringValue }
                return events.contains("integrated_account:created") && events.contains("integrated_account:active")
            }
        }
    }

    @Test(arguments: StoreKind.available)
    func denyForgedStateAndExpiredLinksEndWithAnError(kind: StoreKind) async throws {
        try await withEngine(kind, tickets: 10) { h in
            let browser = ManualBrowser()
            defer { _ = browser.client.shutdown() }
            try await Self.configure(h)
            let (_, url) = try await link(h)
            let consent = try await toConsent(browser, h, url)
            let denied = try await browser.go(.GET, try await decide(browser, h, consent, allow: false))
            #expect(Self.query(denied.location) == ["error": "access_denied"])

            let (_, second) = try await link(h)
            let again = try await toConsent(browser, h, second)
            var forged = again
            forged["state"] = (again["state"] ?? "").split(separator: ".").first.map { "\($0).forged" }
            let forgedCallback = try await decide(browser, h, forged, allow: true)
            let refused = try await browser.go(.GET, forgedCallback)
            #expect(Self.query(refused.location) == ["error": "invalid_state"])

            let (token, third) = try await link(h)
            let store = h.store
            let linkId = try #require(UUID(uuidString: token))
            try await store.transaction { s in
                var link = try #require(try await s.find(LinkToken.self, id: linkId, forUpdate: true))
                link.expiresAt = Date().addingTimeInterval(-1)
                try await s.update(link)
            }
            let expired = try await browser.go(.GET, third)
            #expect(expired.status == 302)
            #expect(Self.query(expired.location) == ["error": "link_expired"])
            let unknown = try await browser.go(.GET, h.api.baseURL + "/connect/7279a917-b447-4629-9e46-a1eeb791ad6b")
            #expect(unknown.status == 404)
            #expect(unknown.body.contains("This link is not valid"))
            #expect(try await h.api.request(.GET, "/integrated-account").json["result"] == [])
        }
    }

    /// A reconnect keeps the account's other context members by default, and with `persist_previous_context: false`
    /// the context is what the connect flow brought, and nothing else.
    @Test(arguments: StoreKind.available)
    func reconnectPersistsThePreviousContextUnlessToldNot(kind: StoreKind) async throws {
        try await withEngine(kind, tickets: 10) { h in
            let browser = ManualBrowser()
            defer { _ = browser.client.shutdown() }
            try await Self.configure(h)
            let existing = try await h.account()
            _ = try await h.api.request(.PATCH, "/integrated-account/\(existing)", json: ["context": ["region": "eu"]])
            func reconnect(_ extra: [String: JSONValue]) async throws -> JSONValue {
                let (_, url) = try await link(h, extra.merging(["integrated_account_id": .string(existing)]) { a, _ in a })
                _ = try await browser.go(.GET, try await decide(browser, h, try await toConsent(browser, h, url), allow: true))
                return try await h.api.request(.GET, "/integrated-account/\(existing)").json["context"] ?? .null
            }
            let kept = try await reconnect([:])
            #expect(kept["region"] == "eu")
            #expect(kept["email"] == "admin@example.com")
            let replaced = try await reconnect(["persist_previous_context": false])
            #expect(replaced["region"] == nil)
            #expect(replaced["email"] == nil)
            #expect(replaced["base_url"] == .string(h.sandboxURL), "what the link fixed stays")
            #expect(replaced["client_id"] == "syncbridge")
        }
    }

    /// Reconnecting keeps the account's id; an account that needed re-authentication is active again.
    @Test(arguments: StoreKind.available)
    func reconnectKeepsTheAccount(kind: StoreKind) async throws {
        try await withEngine(kind, tickets: 10) { h in
            let browser = ManualBrowser()
            defer { _ = browser.client.shutdown() }
            try await Self.configure(h)
            let existing = try await h.account()
            let (_, url) = try await link(h, ["integrated_account_id": .string(existing)])
            let landed = try await browser.go(.GET, try await decide(browser, h, try await toConsent(browser, h, url), allow: true))
            #expect(Self.query(landed.location) == ["integrated_account_id": existing])
            let account = try await h.api.request(.GET, "/integrated-account/\(existing)")
            #expect(account.json["status"] == "active")
            #expect(account.json["warnings"] == [], "the API token gave way to OAuth")
            #expect(try await h.api.request(.GET, "/integrated-account").json["result"]?.arrayValue?.count == 1)
            let missing = try await h.api.request(
                .POST, "/link-token", json: ["tenant_id": "x", "redirect_uri": "ftp://nope", "context": ["api_token": "leak"]])
            #expect(missing.status == 422)
            let failures = Dictionary(
                uniqueKeysWithValues: (missing.json["details"]?["failures"]?.arrayValue ?? []).map {
                    ($0["path"]!.stringValue!, $0["message"]!.stringValue!)
                })
            #expect(
                failures == [
                    "redirect_uri": "must be an absolute http or https URL (the scheme is 'ftp')",
                    "context.api_token": "secrets do not travel in link tokens; the connect flow obtains them",
                ])
        }
    }
}
