import Crypto
import Engine
import Foundation
import NIOHTTP1
import Runs
import Storage
import SyncBridgeCore
import SyncBridgeTestSupport
import Testing

/// Push as a flag, then pull: SyncBridge registers a webhook and trigger with the sandbox, takes its
/// signed notifications, and turns a burst into one incremental run that fetches every change — including changes
/// whose notifications never arrived.
@Suite struct PushTriggerTests {
    static let job: JSONValue = [
        ["resource": "ticketing/tickets", "method": "list", "query": ["updated_at": ["gt": "{{previous_run_date}}"]]]
    ]

    static func id(_ v: JSONValue?) -> String { v?.numberValue.map { String(Int64($0)) } ?? v?.stringValue ?? "" }

    /// The push scheduler's clock stands an hour back until every notification of the burst is in, so however slowly
    /// a loaded machine delivers them, the 3-second debounce cannot end in the middle: then it is moved past the
    /// debounce, and the burst must become exactly one run.
    @Test(arguments: StoreKind.available)
    func burstBecomesOneRunAndLostNotificationsLoseNothing(kind: StoreKind) async throws {
        let pushClock = ManualClock(Date().addingTimeInterval(-3600))
        try await withEngine(kind, tickets: 100, engineRunning: false) { h in
            try await h.whileEngineRuns(pushClock: pushClock) {
                let webhook = try await h.webhook(eventTypes: ["sync_job_run:record", "sync_job_run:completed"])
                let account = try await h.account()
                let job = try await h.job(Self.job)
                let initial = try await h.run(job: job, account: account, webhook: webhook.id)
                #expect(initial["status"] == "completed")

                let created = try await h.api.request(
                    .POST, "/sync-job-push-trigger",
                    json: [
                        "sync_job_id": .string(job), "integrated_account_id": .string(account), "webhook_id": .string(webhook.id),
                        "debounce_seconds": 3, "max_delay_seconds": 30,
                    ]
                )
                #expect(created.status == 201, "\(created.json.jsonString())")
                let trigger = try #require(created.string("id"))
                #expect(created.json["signing_secret"] == nil)
                let hooks = try await h.zendesk(.GET, "/api/v2/webhooks")["webhooks"]?.arrayValue ?? []
                #expect(hooks.count == 1)
                #expect(hooks.first?["endpoint"]?.stringValue?.hasSuffix("/inbound/push/\(trigger)") == true)
                let zendeskHook = try #require(hooks.first?["id"]?.stringValue)
                #expect(created.json["registration"]?["webhook_id"]?.stringValue == zendeskHook)
                #expect(try await h.zendesk(.GET, "/api/v2/triggers")["count"] == 1)

                let tickets = try await h.zendeskAll("/api/v2/tickets.json", key: "tickets").filter { $0["status"] != "closed" }
                let changed = tickets.prefix(50).map { Self.id($0["id"]) }
                try #require(changed.count == 50)
                // 20 changes while notifications are lost (the Zendesk webhook is inactive), then 30 delivered ones.
                let burstStart = ContinuousClock.now
                _ = try await h.zendesk(.PATCH, "/api/v2/webhooks/\(zendeskHook)", ["webhook": ["status": "inactive"]])
                for t in changed.prefix(20) { _ = try await h.zendesk(.PUT, "/api/v2/tickets/\(t).json", ["ticket": ["priority": "urgent"]]) }
                _ = try await h.zendesk(.PATCH, "/api/v2/webhooks/\(zendeskHook)", ["webhook": ["status": "active"]])
                for t in changed.dropFirst(20) { _ = try await h.zendesk(.PUT, "/api/v2/tickets/\(t).json", ["ticket": ["priority": "low"]]) }

                let burst = ContinuousClock.now - burstStart
                // Every notification is in; only then does the debounce end.
                try await waitUntilAsync { try await h.api.request(.GET, "/sync-job-push-trigger/\(trigger)").json["notifications"] == 30 }
                pushClock.set(Date().addingTimeInterval(10))
                try await waitUntilAsync {
                    let now = try await h.api.request(.GET, "/sync-job-push-trigger/\(trigger)").json
                    return now["runs_created"] == 1 && now["pending_since"] == .null
                }
                let runs = (try await h.api.request(.GET, "/sync-job-run?sync_job_id=\(job)").json["result"]?.arrayValue ?? [])
                    .compactMap { $0["id"]?.stringValue }.filter { $0 != initial["id"]?.stringValue }
                #expect(runs.count == 1, "\(runs.count) runs; the 50 updates took \(burst)")
                var delivered: [String: JSONValue] = [:]
                for run in runs {
                    _ = try await h.waitForRun(run)
                    for record in h.events().filter({ $0.payload["sync_job_run_id"]?.stringValue == run }).flatMap(\.records) {
                        delivered[record["id"]?.stringValue ?? ""] = record["priority"]
                    }
                }
                #expect(Set(changed).isSubset(of: Set(delivered.keys)))
                #expect(changed.prefix(20).allSatisfy { delivered[$0] == "urgent" })
                #expect(changed.dropFirst(20).allSatisfy { delivered[$0] == "low" })

                // Deregistration removes what registration created.
                let deleted = try await h.api.request(.DELETE, "/sync-job-push-trigger/\(trigger)")
                #expect(deleted.status == 200)
                #expect(try await h.zendesk(.GET, "/api/v2/webhooks")["webhooks"]?.arrayValue?.isEmpty == true)
                #expect(try await h.zendesk(.GET, "/api/v2/triggers")["count"] == 0)
            }
        }
    }

    /// A webhook, an account, the job and a push trigger over them; the trigger's creation reply.
    static func pushTrigger(_ h: EngineHarness) async throws -> (
        webhook: (id: String, secret: String), account: String, job: String, trigger: APIHarness.Reply
    ) {
        let webhook = try await h.webhook()
        let account = try await h.account()
        let job = try await h.job(Self.job)
        let created = try await h.api.request(
            .POST, "/sync-job-push-trigger",
            json: ["sync_job_id": .string(job), "integrated_account_id": .string(account), "webhook_id": .string(webhook.id)]
        )
        return (webhook, account, job, created)
    }

    /// What a push trigger points at cannot be deleted while it exists: without its account, deleting the trigger
    /// could not remove the webhook and trigger it registered at Zendesk. Once the trigger is deleted (and has
    /// unregistered both), the account, webhook and job can go.
    @Test(arguments: StoreKind.available) func whatAPushTriggerUsesCannotBeDeletedUnderIt(kind: StoreKind) async throws {
        try await withEngine(kind, tickets: 5, engineRunning: false) { h in
            let (webhook, account, job, created) = try await Self.pushTrigger(h)
            let trigger = try #require(created.string("id"))
            for (path, code) in [
                ("/integrated-account/\(account)", "integrated_account_in_use"), ("/webhook/\(webhook.id)", "webhook_in_use"),
                ("/sync-job/\(job)", "sync_job_in_use"),
            ] {
                let refused = try await h.api.request(.DELETE, path)
                #expect(refused.status == 409, "\(path): \(refused.json.jsonString())")
                #expect(refused.json["code"]?.stringValue == code)
            }
            #expect(try await h.zendesk(.GET, "/api/v2/webhooks")["webhooks"]?.arrayValue?.count == 1)
            #expect(try await h.api.request(.DELETE, "/sync-job-push-trigger/\(trigger)").status == 200)
            #expect(try await h.zendesk(.GET, "/api/v2/webhooks")["webhooks"]?.arrayValue?.isEmpty == true)
            #expect(try await h.zendesk(.GET, "/api/v2/triggers")["count"] == 0)
            for path in ["/sync-job/\(job)", "/integrated-account/\(account)", "/webhook/\(webhook.id)"] {
                let deleted = try await h.api.request(.DELETE, path)
                #expect(deleted.status == 200, "\(path): \(deleted.json.jsonString())")
            }
        }
    }

    /// The inbound endpoint takes only fresh notifications signed with the registration's secret.
    @Test(arguments: StoreKind.available)
    func unsignedStaleAndForgedNotificationsAreRefused(kind: StoreKind) async throws {
        try await withEngine(kind, tickets: 10, engineRunning: false) { h in
            let created = try await Self.pushTrigger(h).trigger
            let trigger = try #require(created.string("id"))
            let hook = try #require(created.json["registration"]?["webhook_id"]?.stringValue)
            let secret = try #require(try await h.zendesk(.GET, "/api/v2/webhooks/\(hook)/signing_secret")["signing_secret"]?["secret"]?.stringValue)
            let body = #"{"ticket_id": "3"}"#
            func post(_ headers: [(String, String)]) async throws -> (Int, String?) {
                let r = try await h.api.request(.POST, "/inbound/push/\(trigger)", raw: body, headers: headers, authenticated: false)
                return (r.status, r.json["code"]?.stringValue)
            }
            func sign(_ timestamp: String, _ key: String = secret) -> String {
                let mac = HMAC<SHA256>.authenticationCode(for: Data((timestamp + body).utf8), using: SymmetricKey(data: Data(key.utf8)))
                return Data(mac).base64EncodedString()
            }
            let now = Timestamp.formatSeconds(Int64(Date().timeIntervalSince1970))
            let old = Timestamp.formatSeconds(Int64(Date().timeIntervalSince1970) - 3600)
            #expect(try await post([]) == (401, "missing_signature"))
            #expect(
                try await post([("X-Zendesk-Webhook-Signature", sign(now, "guess")), ("X-Zendesk-Webhook-Signature-Timestamp", now)]) == (
                    401, "invalid_signature"
                ))
            #expect(
                try await post([("X-Zendesk-Webhook-Signature", sign(old)), ("X-Zendesk-Webhook-Signature-Timestamp", old)]) == (
                    401, "stale_signature"
                ))
            #expect(try await h.api.request(.GET, "/sync-job-push-trigger/\(trigger)").json["notifications"] == 0)
            #expect(try await post([("X-Zendesk-Webhook-Signature", sign(now)), ("X-Zendesk-Webhook-Signature-Timestamp", now)]) == (200, nil))
            let state = try await h.api.request(.GET, "/sync-job-push-trigger/\(trigger)").json
            #expect(state["notifications"] == 1)
            #expect(state["pending_since"]?.stringValue != nil)
            #expect(try await post([]).0 == 401)
            let (missing, _) = try await post([("X-Zendesk-Webhook-Signature", sign(now)), ("X-Zendesk-Webhook-Signature-Timestamp", now)])
            #expect(missing == 200)
            let unknown = try await h.api.request(.POST, "/inbound/push/\(UUID().uuidString.lowercased())", raw: body, authenticated: false)
            #expect(unknown.status == 404)
        }
    }

    /// The safety net: with no notification at all, the trigger's cron still creates runs, one per slot, and a
    /// burst arriving while a run is still queued is coalesced into it.
    @Test(arguments: StoreKind.available)
    func safetyNetCronAndCoalescing(kind: StoreKind) async throws {
        try await withEngine(kind, tickets: 10, engineRunning: false) { h in
            let webhook = try await h.webhook()
            let account = try await h.account()
            let job = try await h.job(Self.job)
            let created = try await h.api.request(
                .POST, "/sync-job-push-trigger",
                json: [
                    "sync_job_id": .string(job), "integrated_account_id": .string(account), "webhook_id": .string(webhook.id),
                    "safety_net_cron": "0 * * * *", "debounce_seconds": 2,
                ]
            )
            #expect(created.status == 201, "\(created.json.jsonString())")
            let next = try #require(created.json["next_safety_net_at"]?.stringValue.flatMap(Timestamp.parse))
            #expect(created.json["due_at"]?.stringValue.flatMap(Timestamp.parse) == next)
            let triggerId = try #require(UUID(uuidString: created.string("id") ?? ""))
            let clock = ManualClock(next.addingTimeInterval(-1))
            let scheduler = PushScheduler(
                store: h.store, runs: RunFactory(connectors: Engine.standardConnectors(httpClient: HTTPClientForTests.shared)), clock: clock,
                logger: TestStores.logger)
            #expect(try await scheduler.tick().isEmpty)
            clock.set(next.addingTimeInterval(0.5))
            let fired = try await scheduler.tick()
            #expect(fired.map(\.reason) == ["safety_net"])
            let runId = try #require(fired.first?.runId)
            let afterFire = try await h.api.request(.GET, "/sync-job-push-trigger/\(triggerId.lowercased)").json
            #expect(afterFire["next_safety_net_at"]?.stringValue.flatMap(Timestamp.parse) == next.addingTimeInterval(3600))
            #expect(afterFire["last_run_id"]?.stringValue == runId.lowercased)

            // The run is still queued (no engine here): a burst is coalesced into it rather than queueing another.
            try await h.store.transaction { session in
                var t = try await session.find(SyncJobPushTrigger.self, id: triggerId, forUpdate: true)!
                t.notified(at: clock.now())
                try await session.update(t)
            }
            clock.advance(by: 3)
            let coalesced = try await scheduler.tick()
            #expect(coalesced.map(\.reason) == ["notification"])
            #expect(coalesced.first?.runId == nil)
            #expect(coalesced.first?.skipped == "coalesced into the run already queued")
            let state = try await h.api.request(.GET, "/sync-job-push-trigger/\(triggerId.lowercased)").json
            #expect(state["pending_since"] == .null)
            #expect(state["runs_created"] == 1)
        }
    }
}
