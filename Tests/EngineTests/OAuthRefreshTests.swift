import AsyncHTTPClient
import Engine
import Foundation
import JSONCore
import NIOCore
import NIOHTTP1
import Storage
import SyncBridgeCore
import SyncBridgeTestSupport
import Synchronization
import Testing
import ZendeskSandbox

/// The sandbox's clock and the engine's, moved together: `now` is the real clock plus an offset the test advances,
/// and a wait ends when that now has moved by its duration (so moving the clock ends waits early).
final class SharedTestClock: WallClock, Sendable {
    let offset = Mutex<TimeInterval>(0)
    func now() -> Date { Date().addingTimeInterval(offset.withLock { $0 }) }

    func sleep(for duration: Duration) async throws {
        let until = now().addingTimeInterval(duration.milliseconds / 1000)
        while true {
            let left = until.timeIntervalSince(now())
            if left <= 0 { return }
            try await Task.sleep(for: .milliseconds(min(5, Int64(left * 1000) + 1)))
        }
    }
}

/// OAuth accounts through expiring tokens: renewed before they expire (rotating the refresh token) and once after a
/// 401; a refused refresh makes the account `needs_reauth`, says so once, and fails the run with "reconnect".
@Suite struct OAuthRefreshTests {
    static let client = SandboxOAuthClient(identifier: "syncbridge", secret: "s3cret", redirectURIs: ["http://127.0.0.1:9/cb"])

    /// Runs the engine harness over a sandbox that knows the OAuth client.
    func withOAuthEngine<R: Sendable>(
        _ kind: StoreKind, tickets: Int, location: TestStores.Location? = nil, configuration base: EngineConfiguration = testEngineConfiguration,
        _ body: @Sendable @escaping (EngineHarness) async throws -> R
    ) async throws -> R {
        var sandbox = SandboxConfiguration()
        sandbox.tickets = tickets
        sandbox.recentWindow = 0
        sandbox.oauthClients = [Self.client]
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            let place: TestStores.Location
            if let location { place = location } else { place = try await TestStores.newLocation(kind) }
            let store = try await place.open()
            let result: R
            do {
                // Virtual time jumps far past any lease: a lease as long as a day keeps one executor per run here.
                var configuration = base
                configuration.leaseDuration = 86_400
                result = try await withEngine(
                    store: store, client: client, sandboxConfiguration: sandbox, configuration: configuration, engineRunning: false, body
                )
            } catch {
                try? await store.close()
                throw error
            }
            try await store.close()
            try await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    /// Consent (Allow) and the code exchange, as the connect flow does them: a token pair living `lifetime` seconds.
    static func grant(_ h: EngineHarness, lifetime: Int) async throws -> JSONValue {
        try await sandboxOAuthGrant(h.sandboxURL, lifetime: lifetime)
    }

    /// An OAuth account with the pair, its expiry as the clock sees it, and the lifetime to ask for on refresh.
    static func oauthAccount(_ h: EngineHarness, tokens: JSONValue, lifetime: Int, clock: SharedTestClock) async throws -> String {
        let now = clock.now()
        let r = try await h.api.request(
            .POST, "/integrated-account",
            json: [
                "integration_name": "zendesk", "tenant_id": "acme",
                "context": [
                    "base_url": .string(h.sandboxURL), "client_id": "syncbridge", "client_secret": "s3cret",
                    "access_token": tokens["access_token"]!, "refresh_token": tokens["refresh_token"]!,
                    "token_issued_at": .string(Timestamp.format(now)),
                    "token_expires_at": .string(Timestamp.format(now.addingTimeInterval(Double(lifetime)))),
                    "token_lifetime_seconds": .number(Double(lifetime)),
                ],
            ])
        #expect(r.status == 201, "\(r.json.jsonString())")
        #expect(r.json["status"] == "active")
        #expect(r.json["context"]?["refresh_token"] == nil && r.json["context"]?["client_secret"] == nil, "secrets are never returned")
        return try #require(r.string("id"))
    }

    /// A shared clock, a webhook, and an OAuth account connected with a fresh pair living `lifetime` seconds.
    static func connected(_ h: EngineHarness, lifetime: Int) async throws -> (SharedTestClock, (id: String, secret: String), JSONValue, String) {
        let clock = SharedTestClock()
        let webhook = try await h.webhook()
        let tokens = try await grant(h, lifetime: lifetime)
        return (clock, webhook, tokens, try await oauthAccount(h, tokens: tokens, lifetime: lifetime, clock: clock))
    }

    /// Moves the sandbox's clock and the engine's by `seconds`.
    static func advance(_ h: EngineHarness, _ clock: SharedTestClock, by seconds: Int) async {
        _ = try? await h.zendesk(.POST, "/__sandbox/clock", ["advance_seconds": .number(Double(seconds))])
        clock.offset.withLock { $0 += Double(seconds) }
    }

    /// 20,000 tickets, 200 pages, 30 virtual seconds per acknowledged page, 60-second tokens: the run lives through
    /// about a hundred refreshes, no refresh is refused, and no 401 or `record_error` reaches the receiver.
    @Test(arguments: StoreKind.available)
    func aLongRunLivesThroughManyTokens(kind: StoreKind) async throws {
        try await withOAuthEngine(kind, tickets: 20_000) { h in
            let (clock, webhook, _, account) = try await Self.connected(h, lifetime: 60)
            let job = try await h.job([["resource": "ticketing/tickets", "method": "list"]])
            _ = try await h.zendesk(.POST, "/__sandbox/stats/reset", [:])
            h.receiver.beforeAnsweringEach { body in
                if body.contains(#""event":"sync_job_run:record""#) { await Self.advance(h, clock, by: 30) }
            }
            let run = try await h.whileEngineRuns(clock: clock) { try await h.run(job: job, account: account, webhook: webhook.id) }
            #expect(run["status"] == "completed", "\(run.jsonString())")
            #expect(run["error"] == .null)
            let delivered = h.events().filter { $0.event == "sync_job_run:record" }.flatMap(\.records).compactMap { $0["id"]?.stringValue }
            #expect(delivered.count == 20_000)
            #expect(Set(delivered).count == 20_000)
            #expect(!h.events().contains { $0.event == "sync_job_run:record_error" })
            let stats = try await h.zendesk(.GET, "/__sandbox/stats")
            let refreshes = Int(stats["oauth"]?["refreshes"]?["syncbridge"]?.numberValue ?? 0)
            // 200 pages × 30 s = 6,000 virtual seconds; a 60-second token is renewed 12 s before it expires, so about
            // every other page. A page fetched ahead asks before or after the receiver moves the clock, so a token
            // sometimes serves three pages: the count is near 100, never near the handful of a run that outlived none.
            #expect(refreshes >= 80, "refreshes: \(refreshes)")
            #expect(stats["oauth"]?["refused"] == [:])
            // A request in flight while the test jumps the clock can arrive with a token that just died: it is renewed
            // and retried, and nothing of it reaches the receiver.
            let rejected = Int(stats["by_status"]?["401"]?.numberValue ?? 0)
            let after = try await h.api.request(.GET, "/integrated-account/\(account)")
            #expect(after.json["status"] == "active")
            #expect(stats["oauth"]?["live_tokens"] == 1, "each refresh deleted the pair before it")
            print(
                "figure: 20,000 tickets with 60 s tokens on \(kind): \(refreshes) refreshes, 0 invalid_grant, \(rejected) × 401 renewed and retried")
        }
    }

    /// A grant lost elsewhere (the pair was rotated by another client of the same refresh token): the 401 leads to
    /// one refresh, which Zendesk refuses; the account becomes `needs_reauth` with one event, the run fails saying to
    /// reconnect, nothing loops, and no token appears in any event.
    @Test(arguments: StoreKind.available)
    func aLostGrantMakesTheAccountNeedReauthOnce(kind: StoreKind) async throws {
        try await withOAuthEngine(kind, tickets: 50) { h in
            let (clock, webhook, tokens, account) = try await Self.connected(h, lifetime: 3_600)
            // Someone else spends the account's refresh token: the pair the account holds is deleted.
            let rotated = try await h.zendesk(
                .POST, "/oauth/tokens",
                [
                    "grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]!, "client_id": "syncbridge", "client_secret": "s3cret",
                ])
            try #require(rotated["access_token"] != nil)
            // The account now holds a dead pair: the engine's one retry meets invalid_grant, and that is final.
            let job = try await h.job([["resource": "ticketing/tickets", "method": "list"]])
            @Sendable func accountErrors() -> Int {
                h.receiver.deliveries.filter { (try? JSONParser.parse($0.body)["event"]?.stringValue) == "integrated_account:authentication_error" }
                    .count
            }
            let run = try await h.whileEngineRuns(clock: clock) {
                let run = try await h.run(job: job, account: account, webhook: webhook.id)
                // The account event goes out through the outbox, while the engine runs.
                try await waitUntil { accountErrors() >= 1 }
                return run
            }
            #expect(run["status"] == "failed")
            #expect(
                run["error"]
                    == "ticketing/tickets: the provider rejected the account's credentials (authentication failed: Zendesk refused the token refresh (invalid_grant); reconnect the account)"
            )
            let after = try await h.api.request(.GET, "/integrated-account/\(account)")
            #expect(after.json["status"] == "needs_reauth")
            #expect(after.json["last_error"] == "authentication failed: Zendesk refused the token refresh (invalid_grant); reconnect the account")
            #expect(accountErrors() == 1)
            let stats = try await h.zendesk(.GET, "/__sandbox/stats")
            #expect(stats["oauth"]?["refused"] == ["invalid_grant": 1], "one refused refresh, no loop")
            #expect(!h.events().contains { $0.event == "sync_job_run:record" })
            for d in h.receiver.deliveries {
                #expect(
                    !d.body.contains(tokens["refresh_token"]!.stringValue!) && !d.body.contains(tokens["access_token"]!.stringValue!),
                    "no token in any event")
            }
        }
    }

    /// Two engines run on one account at once through expiring tokens: no refresh token is ever spent twice. On
    /// PostgreSQL each engine has a store of its own (two processes' worth of state, sharing only the database and its
    /// row lock); on SQLite, whose file one process owns, they share the process's store.
    @Test(arguments: StoreKind.available)
    func concurrentEnginesNeverSpendARefreshTokenTwice(kind: StoreKind) async throws {
        let location = try await TestStores.newLocation(kind)
        let second = kind == .postgres ? try await location.open() : nil
        do {
            try await race(kind, location: location, second: second)
            try await second?.close()
        } catch {
            try? await second?.close()
            throw error
        }
    }

    func race(_ kind: StoreKind, location: TestStores.Location, second: (any Store)?) async throws {
        try await withOAuthEngine(kind, tickets: 6_000, location: location) { h in
            let other = second ?? h.store
            let (clock, webhook, _, account) = try await Self.connected(h, lifetime: 30)
            let jobs = [
                try await h.job([["resource": "ticketing/tickets", "method": "list"]]),
                try await h.job([["resource": "tickets", "method": "list"]]),
                try await h.job([["resource": "ticketing/users", "method": "list"], ["resource": "ticketing/tickets", "method": "list"]]),
            ]
            // Two virtual seconds per delivered page of any run: a request in flight sees a few seconds pass at most,
            // well inside the 6 s a 30-second token is renewed ahead (time that jumps past a token's whole life
            // during one request is no clock a provider has).
            h.receiver.beforeAnsweringEach { body in
                if body.contains(#""event":"sync_job_run:record""#) { await Self.advance(h, clock, by: 2) }
            }
            _ = try await h.zendesk(.POST, "/__sandbox/stats/reset", [:])
            let runs = try await h.whileEngineRuns(clock: clock) {
                try await h.whileEngineRuns(store: other, clock: clock, workerId: "second-worker") {
                    var ids: [String] = []
                    for job in jobs { ids.append(try await h.startRun(job: job, account: account, webhook: webhook.id)) }
                    var finals: [JSONValue] = []
                    for id in ids { finals.append(try await h.waitForRun(id)) }
                    return finals
                }
            }
            #expect(runs.map { $0["status"] } == ["completed", "completed", "completed"], "\(runs.map { $0["error"]?.jsonString() ?? "" })")
            let stats = try await h.zendesk(.GET, "/__sandbox/stats")
            #expect(stats["oauth"]?["refused"] == [:], "no refresh token was spent twice")
            let refreshes = Int(stats["oauth"]?["refreshes"]?["syncbridge"]?.numberValue ?? 0)
            #expect(refreshes >= 5)
            #expect(try await h.api.request(.GET, "/integrated-account/\(account)").json["status"] == "active")
            print("figure: 3 concurrent runs, 2 engines, 30 s tokens on \(kind): \(refreshes) refreshes, 0 invalid_grant")

        }
    }
}
