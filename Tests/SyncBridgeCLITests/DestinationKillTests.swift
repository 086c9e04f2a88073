import AsyncHTTPClient
import Foundation
import JSONCore
import NIOHTTP1
import SyncBridgeTestSupport
import Testing
import ZendeskSandbox

/// A source → destination pipeline at process level: `syncbridge serve` copies 5,000 tickets from one Zendesk sandbox into
/// another through the bulk import API, with injected 429s, and is killed with -9 in the middle. Restarted on the same
/// database, it finishes, and the destination holds exactly the source's tickets: none missing, none twice.
@Suite struct DestinationKillTests {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("syncbridge-copy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    static func sandbox(tickets: Int, users: Int) -> ZendeskSandbox {
        var configuration = SandboxConfiguration()
        configuration.tickets = tickets
        configuration.users = users
        configuration.recentWindow = 0
        return ZendeskSandbox(configuration: configuration, httpClient: nil, logger: TestStores.logger)
    }

    @Test func killedCopyFinishesWithExactlyTheSourceTickets() async throws {
        let database = "sqlite://copy.sqlite"
        let token = try await CLIProcess.run(["token", "create", "--name", "t", "--database-url", database], directory: directory)
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let client = HTTPClientForTests.shared
        let source = Self.sandbox(tickets: 5000, users: 1000)
        let target = Self.sandbox(tickets: 0, users: 1000)
        let receiver = WebhookReceiver()
        let dir = directory
        try await whileServing({ (address: @Sendable @escaping (String) -> Void) in try await source.run { address($0) } }) { sourceURL in
            try await whileServing({ (address: @Sendable @escaping (String) -> Void) in try await target.run { address($0) } }) { targetURL in
                try await receiver.run { receiverURL in
                    let destination = SandboxReader(client: client, baseURL: targetURL)
                    let api = ProcessAPI(client: client, token: token)
                    let serve = ["--lease-seconds", "2", "--account-requests-per-minute", "0"]
                    let (first, url1) = try await CLIProcess.serve(database: database, directory: dir, extra: serve)
                    func account(_ url: String, _ tenant: String) async throws -> String {
                        try await api.create(
                            url1, "/integrated-account",
                            [
                                "integration_name": "zendesk", "tenant_id": .string(tenant),
                                "context": ["base_url": .string(url), "email": "admin@example.com", "api_token": "sandbox-token"],
                            ]
                        )
                    }
                    let webhook = try await api.create(url1, "/webhook", ["target_url": .string(receiverURL + "/hook")])
                    let from = try await account(sourceURL, "source")
                    let to = try await account(targetURL, "destination")
                    let job = try await api.create(
                        url1, "/sync-job", ["integration_name": "zendesk", "resources": [["resource": "tickets", "method": "list"]]])
                    _ = try await destination.call(
                        .POST, "/__sandbox/faults", ["status": 429, "count": 3, "path_contains": "imports", "retry_after": 1])
                    let run = try await api.create(
                        url1, "/sync-job-run",
                        [
                            "sync_job_id": .string(job), "integrated_account_id": .string(from), "webhook_id": .string(webhook),
                            "destination": ["type": "zendesk_ticket_import", "integrated_account_id": .string(to)],
                        ]
                    )
                    func count() async throws -> Int {
                        Int(try await destination.call(.GET, "/api/v2/tickets/count.json")["count"]?["value"]?.numberValue ?? 0)
                    }
                    while try await count() < 1500 { try await Task.sleep(for: .milliseconds(5)) }
                    kill(first.processIdentifier, SIGKILL)
                    await CLIProcess.waitForExit(first)
                    let atKill = try await count()
                    #expect(atKill < 5000, "killed mid-copy")
                    _ = try await destination.call(
                        .POST, "/__sandbox/faults", ["status": 429, "count": 2, "path_contains": "imports", "retry_after": 1])

                    let (second, url2) = try await CLIProcess.serve(database: database, directory: dir, extra: serve)
                    defer {
                        second.terminate()
                    }
                    try await waitUntil { receiver.runEvents().contains { $0.event == "sync_job_run:completed" } }
                    let final = try await api.get(url2, "/sync-job-run/\(run)")
                    #expect(final["status"] == "completed", "\(final.jsonString())")
                    let copied = try await destination.all("/api/v2/tickets.json", key: "tickets").compactMap { $0["external_id"]?.stringValue }
                    #expect(copied.count == 5000)
                    #expect(Set(copied) == Set((1...5000).map { "syncbridge:\($0)" }))
                    #expect(try await destination.call(.GET, "/__sandbox/stats")["rate_limited"] == 5)
                }
            }
        }
    }
}
