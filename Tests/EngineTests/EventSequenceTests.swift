import Crypto
import Engine
import Foundation
import NIOHTTP1
import Storage
import SyncBridgeCore
import SyncBridgeTestSupport
import Synchronization
import Testing

@Suite struct EventSequenceTests {
    @Test(.enabled(if: TestStores.checksPostgres, postgresMissingReason))
    func postgresIsAvailable() async throws {
        try await withStore(.postgres) { store in #expect(store.driverName == "postgres") }
    }

    /// The reference job (users, contacts, tickets, comments per ticket) delivers every user, contact, ticket and comment exactly once, in the documented order:
    /// created, started, a page per resource (comments per ticket right after that ticket's page), completed.
    @Test(arguments: StoreKind.available)
    func seedJobDeliversEverythingInOrder(kind: StoreKind) async throws {
        try await withEngine(kind) { h in
            let webhook = try await h.webhook()
            let account = try await h.account()
            let job = try await h.job(seedJob)
            let run = try await h.run(job: job, account: account, webhook: webhook.id)
            #expect(run["status"] == "completed", "\(run.jsonString())")
            try await h.waitForEvent("sync_job_run:completed")

            let users = try await h.zendeskAll("/api/v2/users.json", key: "users")
            let tickets = try await h.zendeskAll("/api/v2/tickets.json", key: "tickets")
            #expect(tickets.count == 120)
            var expected = ["sync_job_run:created", "sync_job_run:started", "record:ticketing/users", "record:ticketing/contacts"]
            var expectedComments: [String: [String]] = [:]
            for (i, ticket) in tickets.enumerated() {
                if i % 100 == 0 { expected.append("record:ticketing/tickets") }
                let id = String(Int(ticket["id"]!.numberValue!))
                let comments = try await h.zendeskAll("/api/v2/tickets/\(id)/comments.json", key: "comments")
                expectedComments[id] = comments.map { String(Int($0["id"]!.numberValue!)) }
                expected.append("record:ticketing/comments")
            }
            expected.append("sync_job_run:completed")
            let events = h.events()
            #expect(events.map(\.label) == expected)

            func ids(_ resource: String) -> [String] {
                events.filter { $0.resource == resource }.flatMap(\.records).compactMap { $0["id"]?.stringValue }
            }
            func zendeskIds(_ list: [JSONValue]) -> [String] { list.map { String(Int($0["id"]!.numberValue!)) } }
            #expect(ids("ticketing/users") == zendeskIds(users.filter { $0["role"] != "end-user" }))
            #expect(ids("ticketing/contacts") == zendeskIds(users.filter { $0["role"] == "end-user" }))
            #expect(ids("ticketing/tickets") == zendeskIds(tickets))
            for event in events where event.resource == "ticketing/comments" {
                let parent = try #require(event.payload["meta"]?["parent"]?["id"]?.stringValue)
                #expect(event.payload["meta"]?["parent"]?["resource"] == "ticketing/tickets")
                #expect(event.records.compactMap { $0["id"]?.stringValue } == expectedComments[parent])
                #expect(event.records.allSatisfy { $0["ticket"]?["id"]?.stringValue == parent })
            }

            // Envelope and payload shapes, exactly.
            let first = try #require(events.first { $0.resource == "ticketing/tickets" })
            #expect(Set(first.envelope.objectValue!.keys) == ["id", "event", "payload", "environment_id", "created_at", "webhook_id"])
            #expect(first.envelope["webhook_id"]?.stringValue == webhook.id)
            #expect(first.payload["sync_job_run_id"] == run["id"])
            #expect(first.payload["sync_job_id"]?.stringValue == job)
            #expect(first.payload["integrated_account_id"]?.stringValue == account)
            #expect(first.payload["method"] == "list")
            #expect(first.payload["meta"]?["page"] == 1)
            #expect(first.payload["meta"]?["is_last_page"] == false)
            #expect(first.payload["meta"]?["parent"] == .null)
            let ticket = first.records[0]
            #expect(ticket["name"] == tickets[0]["subject"])
            #expect(ticket["status"]?["id"] == tickets[0]["status"])
            #expect(ticket["remote_data"]?["id"] == tickets[0]["id"])
            let completed = try #require(events.last)
            #expect(completed.payload["status"] == "completed")
            #expect(completed.payload["resource_stats"]?["ticketing/tickets"]?["delivered"] == 120)
            #expect(run["resource_stats"]?["ticketing/comments"]?["delivered"] == .number(Double(expectedComments.values.map(\.count).reduce(0, +))))
            #expect(Set(events.map(\.id)).count == events.count, "event ids are unique")
        }
    }

    /// Both signatures check out with an implementation written here from the specs (not the product's signer).
    @Test func signaturesVerifyIndependently() async throws {
        try await withEngine(.sqlite, tickets: 5) { h in
            let webhook = try await h.webhook()
            let job = try await h.job([["resource": "ticketing/tickets", "method": "list"]])
            let run = try await h.run(job: job, account: try await h.account(), webhook: webhook.id)
            #expect(run["status"] == "completed")
            try await h.waitForEvent("sync_job_run:completed")
            let events = h.events()
            #expect(events.map(\.label) == ["sync_job_run:created", "sync_job_run:started", "record:ticketing/tickets", "sync_job_run:completed"])
            let key = SymmetricKey(data: Data(base64Encoded: String(webhook.secret.dropFirst("whsec_".count)))!)
            for e in events {
                let signed = "\(e.headers["webhook-id"]!).\(e.headers["webhook-timestamp"]!).\(e.body)"
                let expected = "v1," + Data(HMAC<SHA256>.authenticationCode(for: Data(signed.utf8), using: key)).base64EncodedString()
                #expect(e.headers["webhook-signature"] == expected)
                #expect(e.headers["webhook-id"] == e.id)
                let truto = HMAC<SHA256>.authenticationCode(for: Data(e.body.utf8), using: SymmetricKey(data: Data(webhook.secret.utf8)))
                #expect(e.headers["x-truto-signature"] == "format=sha256,v=" + truto.map { String(format: "%02x", $0) }.joined())
                #expect(e.headers["user-agent"] == "syncbridge/\(SyncBridgeVersion.current)")
            }
        }
    }

    /// A 400 to `started` stops the run before anything is fetched.
    @Test(arguments: StoreKind.available)
    func refusingStartedStopsTheRun(kind: StoreKind) async throws {
        try await withEngine(kind, tickets: 10) { h in
            h.receiver.answer("sync_job_run:started", with: 400)
            let webhook = try await h.webhook()
            let run = try await h.run(job: try await h.job(seedJob), account: try await h.account(), webhook: webhook.id)
            #expect(run["status"] == "stopped")
            #expect(run["error"]?.stringValue?.contains("webhook refused sync_job_run:started (HTTP 400") == true, "\(run.jsonString())")
            #expect(h.events().map(\.label) == ["sync_job_run:created", "sync_job_run:started"])
            let stats = try await h.zendesk(.GET, "/__sandbox/stats")
            #expect(stats["by_endpoint"]?.objectValue?.keys.contains { $0.contains("tickets") } != true, "\(stats.jsonString())")
        }
    }

    /// Receiver errors are retried with the same event id until acknowledged; nothing is skipped.
    @Test(arguments: StoreKind.available)
    func webhookFailuresAreRetriedThenRecover(kind: StoreKind) async throws {
        try await withEngine(kind, tickets: 30) { h in
            let webhook = try await h.webhook()
            let job = try await h.job([["resource": "ticketing/tickets", "method": "list"]])
            let account = try await h.account()
            h.receiver.answer("sync_job_run:record", with: 500)
            let run = try await h.run(job: job, account: account, webhook: webhook.id)
            #expect(run["status"] == "completed")
            try await h.waitForEvent("sync_job_run:completed")
            let events = h.events()
            #expect(
                events.map(\.label) == [
                    "sync_job_run:created", "sync_job_run:started", "record:ticketing/tickets", "record:ticketing/tickets", "sync_job_run:completed",
                ])
            #expect(events[2].id == events[3].id, "a redelivery carries the same event id")
            #expect(events[3].records.count == 30)
        }
    }

    /// A run created through the API starts at once: the engine is woken by the commit, not by its poll (an hour
    /// here, so a run that waited for it would never finish within the test's patience). So is a resumed one.
    @Test(arguments: StoreKind.available)
    func createdRunsStartWithoutWaitingForThePoll(kind: StoreKind) async throws {
        var configuration = testEngineConfiguration
        configuration.pollInterval = .seconds(3600)
        try await withEngine(kind, tickets: 30, configuration: configuration) { h in
            let webhook = try await h.webhook()
            let job = try await h.job([["resource": "ticketing/tickets", "method": "list"]])
            let account = try await h.account()
            try await waitUntil { h.store.runQueue.waiting > 0 }  // the engine has looked at the empty queue and waits
            let first = try await h.run(job: job, account: account, webhook: webhook.id)
            #expect(first["status"] == "completed")
            let second = try await h.run(job: job, account: account, webhook: webhook.id)
            #expect(second["status"] == "completed")
        }
    }

    /// Turns the receiver to 503 for every delivery from the `n`-th `sync_job_run:record` on (decided before it is
    /// answered, so no page can slip through first).
    static func failFromRecord(_ n: Int, _ receiver: WebhookReceiver) {
        let seen = Atomic<Int>(0)
        receiver.beforeAnsweringEach { body in
            if body.contains(#""event":"sync_job_run:record""#), seen.add(1, ordering: .relaxed).newValue == n { receiver.respond(with: 503) }
        }
    }

    /// When the receiver never acknowledges, the run fails with its checkpoint kept (nothing skipped).
    @Test(arguments: StoreKind.available)
    func undeliverablePageFailsTheRun(kind: StoreKind) async throws {
        try await withEngine(kind, tickets: 5) { h in
            let webhook = try await h.webhook()
            let job = try await h.job([["resource": "ticketing/tickets", "method": "list"]])
            let account = try await h.account()
            // Armed before the run starts: the first page's delivery turns the receiver to 503 for good.
            Self.failFromRecord(1, h.receiver)
            let id = try await h.startRun(job: job, account: account, webhook: webhook.id)
            let run = try await h.waitForRun(id)
            #expect(run["status"] == "failed")
            #expect(run["error"]?.stringValue?.hasPrefix("webhook did not acknowledge sync_job_run:record: HTTP 503") == true, "\(run.jsonString())")
            #expect(run["resource_stats"]?["ticketing/tickets"]?["fetched"] == 5)
        }
    }

    /// A run that failed because a page could not be delivered resumes from that page with
    /// `POST /sync-job-run/:id/resume`: `updated`, the undelivered page (same event id), the rest, `completed`.
    @Test(arguments: StoreKind.available)
    func failedRunResumesFromTheUndeliveredPage(kind: StoreKind) async throws {
        try await withEngine(kind, tickets: 250) { h in
            let webhook = try await h.webhook()
            let job = try await h.job([["resource": "ticketing/tickets", "method": "list"]])
            let account = try await h.account()
            // Armed before the run starts: the first page is acknowledged, the second finds the receiver at 503.
            Self.failFromRecord(2, h.receiver)
            let id = try await h.startRun(job: job, account: account, webhook: webhook.id)
            let failed = try await h.waitForRun(id)
            #expect(failed["status"] == "failed")
            let resumed = try await h.api.request(.POST, "/sync-job-run/\(id)/resume")
            #expect(resumed.status == 200, "\(resumed.json.jsonString())")
            #expect(resumed.json["status"] == "running")
            h.receiver.respond(with: 200)
            let done = try await h.waitForRun(id)
            #expect(done["status"] == "completed", "\(done.jsonString())")
            try await h.waitForEvent("sync_job_run:completed")
            // Redeliveries carry the same event id; folded, every ticket arrives exactly once.
            let tickets = DeliveredRecords(h.events()).ids["ticketing/tickets"] ?? []
            #expect(tickets.count == 250)
            #expect(Set(tickets).count == 250)
            let labels = h.events().map(\.event).filter { $0 != "sync_job_run:record" }
            #expect(labels.first == "sync_job_run:created" || labels.first == "sync_job_run:started")
            #expect(labels.suffix(2) == ["sync_job_run:updated", "sync_job_run:completed"], "\(labels)")
            #expect(labels.filter { $0 == "sync_job_run:started" }.count == 1)

            let again = try await h.api.request(.POST, "/sync-job-run/\(id)/resume")
            #expect(again.status == 409)
            #expect(again.json["code"] == "sync_job_run_not_resumable")
        }
    }
}
