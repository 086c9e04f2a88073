import Foundation
import JSONCore
import NIOHTTP1
import Storage
import SyncBridgeCore
import SyncBridgeTestSupport
import Testing

/// Where the browser tests find their driver: `SYNCBRIDGE_TEST_BROWSER_PYTHON`, a Python with selenium.
enum BrowserHarness {
    static var python: String? { ProcessInfo.processInfo.environment["SYNCBRIDGE_TEST_BROWSER_PYTHON"].flatMap { $0.isEmpty ? nil : $0 } }
    static let missing: Comment = "SYNCBRIDGE_TEST_BROWSER_PYTHON is not set: run scripts/test, which installs Chromium, chromedriver and selenium"
}

/// The connect flow in a real browser: headless Chromium, driven by selenium (`Tests/Browser/connect.py`), opens a
/// link token's URL, continues on SyncBridge's page, clicks Allow or Deny on the sandbox's consent page and lands on
/// the app's `redirect_uri`. `scripts/test` installs Chromium, its driver and selenium and sets
/// `SYNCBRIDGE_TEST_BROWSER_PYTHON`; a bare `swift test` reports this suite as skipped, with the reason.
@Suite(.enabled(if: BrowserHarness.python != nil, BrowserHarness.missing))
struct BrowserConnectTests {
    static var python: String? { BrowserHarness.python }
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Browser/connect.py").path

    /// Runs the browser once; returns its report (`url`, `titles`).
    static func browse(_ mode: String, _ url: String) async throws -> JSONValue {
        let output: (Int32, String, String) = try await offPool {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: python!)
            process.arguments = [script, mode, url]
            let out = Pipe()
            let err = Pipe()
            process.standardOutput = out
            process.standardError = err
            try process.run()
            let stdout = out.fileHandleForReading.readDataToEndOfFile()
            let stderr = err.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
        }
        #expect(output.0 == 0, "browser: \(output.2)")
        return try JSONParser.parse(output.1.split(separator: "\n").last.map(String.init) ?? "null")
    }

    static func query(_ url: String?) -> [String: String] {
        var out: [String: String] = [:]
        for item in URLComponents(string: url ?? "")?.queryItems ?? [] { out[item.name] = item.value }
        return out
    }

    @Test(arguments: StoreKind.available)
    func connectInABrowser(kind: StoreKind) async throws {
        try await withEngine(kind, tickets: 10) { h in
            try await ConnectFlowTests.configure(h)
            // The app's page is any page that answers: this API's health check.
            let landing = h.api.baseURL + "/health"
            func link() async throws -> (token: String, url: String) {
                let r = try await h.api.request(
                    .POST, "/link-token",
                    json: [
                        "tenant_id": "acme-browser", "redirect_uri": .string(landing), "context": ["base_url": .string(h.sandboxURL)],
                    ])
                return (try #require(r.string("link_token")), try #require(r.string("url")))
            }

            // Allow, with a base_url planted in SyncBridge's form: it is ignored, the account is made, the browser is back.
            let allowed = try await Self.browse("allow-hostile", try await link().url)
            let final = try #require(allowed["url"]?.stringValue)
            #expect(final.hasPrefix(landing + "?integrated_account_id="), "\(final)")
            #expect(allowed["titles"] == ["Connect your Zendesk account", "Allow SyncBridge to access your Zendesk account?"])
            let accountId = try #require(Self.query(final)["integrated_account_id"])
            let account = try await h.api.request(.GET, "/integrated-account/\(accountId)")
            #expect(account.json["status"] == "active")
            #expect(account.json["tenant_id"] == "acme-browser")
            #expect(account.json["context"]?["base_url"] == .string(h.sandboxURL))
            let grants = try await h.zendesk(.GET, "/__sandbox/stats")["oauth"]?["grants"]
            #expect(grants == ["syncbridge": 1])

            // Deny.
            let denied = try await Self.browse("deny", try await link().url)
            #expect(Self.query(denied["url"]?.stringValue) == ["error": "access_denied"])

            // An expired link.
            let (token, url) = try await link()
            let store = h.store
            let linkId = try #require(UUID(uuidString: token))
            try await store.transaction { s in
                var expired = try #require(try await s.find(LinkToken.self, id: linkId, forUpdate: true))
                expired.expiresAt = Date().addingTimeInterval(-1)
                try await s.update(expired)
            }
            let late = try await Self.browse("open", url)
            #expect(Self.query(late["url"]?.stringValue) == ["error": "link_expired"])
            #expect(try await h.api.request(.GET, "/integrated-account?tenant_id=acme-browser").json["result"]?.arrayValue?.count == 1)
        }
    }
}
