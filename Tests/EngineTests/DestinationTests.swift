import AsyncHTTPClient
import Foundation
import NIOHTTP1
import SyncBridgeCore
import SyncBridgeTestSupport
import Testing
import ZendeskSandbox

/// A run with a `zendesk_ticket_import` destination copies tickets from one Zendesk (sandbox) into another with the
/// bulk import API (a source → destination pipeline).
@Suite struct DestinationTests {
    static let job: JSONValue = [["resource": "ticketing/tickets", "method": "list"]]

    /// Runs `body` with a second, empty sandbox (the destination) with the same users as the source.
    static func withDestination<R: Sendable>(
        users: Int, oauthClients: [SandboxOAuthClient] = [], _ body: @Sendable @escaping (SandboxReader, String) async throws -> R
    ) async throws -> R {
        var configuration = SandboxConfiguration()
        configuration.tickets = 0
        configuration.users = users
        configuration.recentWindow = 0
        configuration.oauthClients = oauthClients
        let sandbox = ZendeskSandbox(configuration: configuration, httpClient: nil, logger: TestStores.logger)
        return try await whileServing({ (address: @Sendable @escaping (String) -> Void) in try await sandbox.run { address($0) } }) { url in
            try await body(SandboxReader(client: HTTPClientForTests.shared, baseURL: url), url)
        }
    }

    static func account(_ h: EngineHarness, _ url: String, tenant: String) async throws -> String {
        let r = try await h.api.request(
            .POST, "/integrated-account",
            json: [
                "integration_name": "zendesk", "tenant_id": .string(tenant),
                "context": ["base_url": .string(url), "email": "admin@example.com", "api_token": "sandbox-token"],
            ]
        )
        return try #require(r.string("id"))
    }

    /// External ids in the destination, all pages.
    static func copied(_ destination: SandboxReader) async throws -> [String] {
        try await destination.all("/api/v2/tickets.json", key: "tickets").compactMap { $0["external_id"]?.stringValue }
    }

    @Test(arguments: StoreKind.available)
    func copiesEveryTicketOnceThroughInjected429s(kind: StoreKind) async throws {
        try await withEngine(kind, tickets: 250) { h in
            try await Self.withDestination(users: 50) { destination, url in
                let webhook = try await h.webhook(eventTypes: ["sync_job_run:record", "sync_job_run:completed"])
                let source = try await h.account()
                let target = try await Self.account(h, url, tenant: "copy")
                let job = try await h.job(Self.job)
                // Two throttled import calls, each answered 429 with Retry-After: 1.
                _ = try await destination.call(.POST, "/__sandbox/faults", ["status": 429, "count": 2, "path_contains": "imports", "retry_after": 1])
                let run = try await h.run(
                    job: job, account: source, webhook: webhook.id,
                    ["destination": ["type": "zendesk_ticket_import", "integrated_account_id": .string(target), "buffer_size": 50]]
                )
                #expect(run["status"] == "completed", "\(run.jsonString())")
                #expect(run["resource_stats"]?["ticketing/tickets"]?["written"] == 250)
                let copied = try await Self.copied(destination)
                #expect(copied.count == 250)
                #expect(Set(copied) == Set((1...250).map { "syncbridge:\($0)" }))
                // Records went to the destination, not to the webhook.
                #expect(!h.events().contains { $0.event == "sync_job_run:record" })
                let stats = try await destination.call(.GET, "/__sandbox/stats")
                #expect(stats["rate_limited"] == 2)
                // Content survives: subject and status of a sample.
                let original = try await h.zendesk(.GET, "/api/v2/tickets/17.json")["ticket"]!
                let copy = try await destination.call(.GET, "/api/v2/tickets.json?external_id=syncbridge:17")["tickets"]?.arrayValue?.first
                #expect(copy?["subject"] == original["subject"])
                #expect(copy?["status"] == original["status"])
                #expect(copy?["created_at"] == original["created_at"])
            }
        }
    }

    /// More 429s than `max_retries`: the run fails saying so, the throttled page is not acknowledged, and a resume
    /// finishes the copy with every ticket exactly once.
    /// An OAuth destination whose access token ran out at Zendesk (the destination's clock moved past its 60 s) while
    /// SyncBridge still thinks it current: the first import call gets a 401, the token is renewed once (rotating the
    /// refresh token), and every ticket is copied with the new one.
    @Test(arguments: StoreKind.available)
    func anOAuthDestinationsTokenIsRenewedAfterItRunsOut(kind: StoreKind) async throws {
        try await withEngine(kind, tickets: 120) { h in
            try await Self.withDestination(users: 30, oauthClients: [OAuthRefreshTests.client]) { destination, url in
                let webhook = try await h.webhook(eventTypes: ["sync_job_run:completed"])
                let tokens = try await sandboxOAuthGrant(url, lifetime: 60)
                let now = Date()
                let created = try await h.api.request(
                    .POST, "/integrated-account",
                    json: [
                        "integration_name": "zendesk", "tenant_id": "copy",
                        "context": [
                            "base_url": .string(url), "client_id": "syncbridge", "client_secret": "s3cret", "scope": "read write",
                            "access_token": tokens["access_token"]!, "refresh_token": tokens["refresh_token"]!,
                            "token_issued_at": .string(Timestamp.format(now)),
                            "token_expires_at": .string(Timestamp.format(now.addingTimeInterval(60))), "token_lifetime_seconds": 60,
                        ],
                    ])
                #expect(created.status == 201, "\(created.json.jsonString())")
                let target = try #require(created.string("id"))
                _ = try await destination.call(.POST, "/__sandbox/clock", ["advance_seconds": 120])
                let run = try await h.run(
                    job: try await h.job(Self.job), account: try await h.account(), webhook: webhook.id,
                    ["destination": ["type": "zendesk_ticket_import", "integrated_account_id": .string(target), "buffer_size": 50]]
                )
                #expect(run["status"] == "completed", "\(run.jsonString())")
                #expect(Set(try await Self.copied(destination)) == Set((1...120).map { "syncbridge:\($0)" }))
                let stats = try await destination.call(.GET, "/__sandbox/stats")
                #expect(stats["oauth"]?["refreshes"]?["syncbridge"] == 1, "\(stats["oauth"] ?? .null)")
                #expect(stats["by_status"]?["401"] == 1, "one 401: the first call, with the token that ran out")
                let account = try await h.api.request(.GET, "/integrated-account/\(target)")
                #expect(account.json["status"] == "active")
            }
        }
    }

    @Test(arguments: StoreKind.available)
    func tooManyRetriesFailTheRunAndResumeCompletesIt(kind: StoreKind) async throws {
        try await withEngine(kind, tickets: 250) { h in
            try await Self.withDestination(users: 50) { destination, url in
                let webhook = try await h.webhook(eventTypes: ["sync_job_run:completed", "sync_job_run:failed"])
                let source = try await h.account()
                let target = try await Self.account(h, url, tenant: "copy")
                let job = try await h.job(Self.job)
                // A slow source, so the second page is still being fetched when the first is in the destination.
                _ = try await h.zendesk(.POST, "/__sandbox/settings", ["latency_ms": 500])
                let runId = try await h.startRun(
                    job: job, account: source, webhook: webhook.id,
                    ["destination": ["type": "zendesk_ticket_import", "integrated_account_id": .string(target), "max_retries": 1]]
                )
                while (try await destination.call(.GET, "/api/v2/tickets/count.json")["count"]?["value"]?.numberValue ?? 0) < 100 {
                    try await Task.sleep(for: .milliseconds(10))
                }
                // The next import call is throttled three times; max_retries 1 allows two attempts.
                _ = try await destination.call(.POST, "/__sandbox/faults", ["status": 429, "count": 3, "path_contains": "imports", "retry_after": 1])
                let failed = try await h.waitForRun(runId)
                #expect(failed["status"] == "failed")
                #expect(
                    failed["error"]?.stringValue?.contains("destination write failed: still rate limited after 1 retries") == true,
                    "\(failed.jsonString())")
                let written = Int(failed["resource_stats"]?["ticketing/tickets"]?["written"]?.numberValue ?? 0)
                #expect(written == 100)
                #expect(try await Self.copied(destination).count == written)
                let resumed = try await h.api.request(.POST, "/sync-job-run/\(runId)/resume")
                #expect(resumed.status == 200, "\(resumed.json.jsonString())")
                let final = try await h.waitForRun(runId)
                #expect(final["status"] == "completed", "\(final.jsonString())")
                let copied = try await Self.copied(destination)
                #expect(copied.count == 250)
                #expect(Set(copied).count == 250)
            }
        }
    }

    @Test(arguments: StoreKind.available)
    func destinationIsValidated(kind: StoreKind) async throws {
        try await withEngine(kind, tickets: 5, engineRunning: false) { h in
            let webhook = try await h.webhook()
            let source = try await h.account()
            let job = try await h.job(Self.job)
            let base: [String: JSONValue] = [
                "sync_job_id": .string(job), "integrated_account_id": .string(source), "webhook_id": .string(webhook.id),
            ]
            func post(_ destination: JSONValue) async throws -> (Int, [String]) {
                var body = base
                body["destination"] = destination
                let r = try await h.api.request(.POST, "/sync-job-run", json: .object(body))
                return (r.status, failureLines(r.json))
            }
            #expect(
                try await post(["type": "csv", "integrated_account_id": .string(source)])
                    == (422, ["destination.type: 'csv' is not a destination type (known: zendesk_ticket_import)"]))
            #expect(
                try await post(["type": "zendesk_ticket_import", "integrated_account_id": .string(UUID().uuidString), "buffer_size": 500])
                    == (
                        422,
                        [
                            "destination.buffer_size: must be from 1 to 100 (Zendesk imports at most 100 tickets per call)",
                            "destination.integrated_account_id: no integrated account with this id",
                        ]
                    ))
            // An account connected through OAuth with the read scope only cannot be imported into.
            let readOnly = try #require(
                try await h.api.request(
                    .POST, "/integrated-account",
                    json: [
                        "integration_name": "zendesk", "tenant_id": "read-only",
                        "context": ["base_url": .string(h.sandboxURL), "access_token": "sandbox-oauth-token", "scope": "read"],
                    ]
                ).string("id"))
            #expect(
                try await post(["type": "zendesk_ticket_import", "integrated_account_id": .string(readOnly)])
                    == (
                        422,
                        [
                            "destination.integrated_account_id: the account was connected with scope 'read', and importing tickets needs 'write' "
                                + "(or tickets:write); reconnect it with scopes 'read write'"
                        ]
                    ))
            // Nor can it register a push trigger (a webhook and a trigger in Zendesk); nothing is registered.
            let push = try await h.api.request(
                .POST, "/sync-job-push-trigger",
                json: [
                    "sync_job_id": .string(job), "integrated_account_id": .string(readOnly), "webhook_id": .string(webhook.id),
                ])
            #expect(push.status == 422)
            #expect(
                failureLines(push.json) == [
                    "integrated_account_id: the account was connected with scope 'read', and a push trigger (it creates a webhook and a trigger in Zendesk) "
                        + "needs 'write' (or webhooks:write, triggers:write); reconnect it with scopes 'read write'"
                ])
            #expect(try await h.zendesk(.GET, "/api/v2/webhooks.json")["webhooks"]?.arrayValue?.isEmpty == true)
            // Granted write for tickets only, it may import.
            let ticketsWrite = try #require(
                try await h.api.request(
                    .POST, "/integrated-account",
                    json: [
                        "integration_name": "zendesk", "tenant_id": "tickets-write",
                        "context": ["base_url": .string(h.sandboxURL), "access_token": "sandbox-oauth-token", "scope": "read tickets:write"],
                    ]
                ).string("id"))
            #expect(try await post(["type": "zendesk_ticket_import", "integrated_account_id": .string(ticketsWrite)]).0 == 201)
        }
    }
}
