import AsyncHTTPClient
import Foundation
import JSONCore
import NIOCore
import NIOHTTP1
import SyncBridgeTestSupport
import Testing
import ZendeskSandbox

/// The durability promise at process level: `syncbridge serve` killed with -9 in the middle of a run, then started
/// again on the same SQLite file, finishes the run with no record missing and at most one page sent twice. The
/// lease is far longer than the test waits: the new process holds the file's owner lock, so it frees the dead
/// one's lease at start and continues at once.
@Suite struct KillResumeTests {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("syncbridge-kill-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    @Test func killedServeResumesTheRunFromItsCheckpoint() async throws {
        let database = "sqlite://kill.sqlite"
        let token = try await CLIProcess.run(["token", "create", "--name", "t", "--database-url", database], directory: directory)
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let client = HTTPClientForTests.shared
        var configuration = SandboxConfiguration()
        configuration.tickets = 150
        configuration.recentWindow = 0
        let sandbox = ZendeskSandbox(configuration: configuration, httpClient: client, logger: TestStores.logger)
        let receiver = WebhookReceiver()
        let dir = directory
        try await whileServing({ (address: @Sendable @escaping (String) -> Void) in try await sandbox.run { address($0) } }) { sandboxURL in
            try await receiver.run { receiverURL in
                let api = ProcessAPI(client: client, token: token)
                // Ten minutes: only a lease freed at start lets the restarted process continue within the test's patience.
                let serve = ["--lease-seconds", "600", "--account-requests-per-minute", "0"]
                let (first, url1) = try await CLIProcess.serve(database: database, directory: dir, extra: serve)
                let run = try await api.startSeedRun(url1, sandboxURL: sandboxURL, receiverURL: receiverURL)
                try await waitUntil { receiver.runEvents().filter { $0.resource == "ticketing/comments" }.count >= 30 }
                kill(first.processIdentifier, SIGKILL)
                await CLIProcess.waitForExit(first)
                let beforeKill = receiver.runEvents()

                let restarted = ContinuousClock.now
                let (second, url2) = try await CLIProcess.serve(database: database, directory: dir, extra: serve)
                defer {
                    second.terminate()
                }
                try await waitUntil { receiver.runEvents().count > beforeKill.count }
                print("figure: kill -9 takeover, restart to the next event: \(ContinuousClock.now - restarted) (lease 600 s)")
                try await waitUntil { receiver.runEvents().contains { $0.event == "sync_job_run:completed" } }
                let final = try await api.get(url2, "/sync-job-run/\(run)")
                #expect(final["status"] == "completed", "\(final.jsonString())")

                let events = receiver.runEvents()
                #expect(!beforeKill.contains { $0.event == "sync_job_run:completed" }, "killed mid-run")
                #expect(events.filter { $0.event == "sync_job_run:started" }.count == 1, "the resumed run does not start again")
                let truth = try await SandboxReader(client: client, baseURL: sandboxURL).ticketsAndCommentCount()
                let delivered = DeliveredRecords(events)
                #expect(delivered.repeatedPages <= 1, "at most one page is sent twice")
                let tickets = delivered.ids["ticketing/tickets"] ?? []
                let comments = delivered.ids["ticketing/comments"] ?? []
                let ticketsMatch = tickets.sorted() == truth.tickets.sorted()
                #expect(ticketsMatch, "every ticket delivered, once")
                let (commentCount, distinctComments) = (comments.count, Set(comments).count)
                #expect(commentCount == truth.comments)
                #expect(distinctComments == truth.comments)
            }
        }
    }
}

/// The API of a `syncbridge serve` process, with a bearer token.
struct ProcessAPI: Sendable {
    let client: HTTPClient
    let token: String

    func create(_ base: String, _ path: String, _ body: JSONValue) async throws -> String {
        let (status, json) = try await call(base, .POST, path, body)
        #expect(status == 201, "\(path): \(json.jsonString())")
        return try #require(json["id"]?.stringValue)
    }

    /// Creates a webhook to the receiver, a sandbox account and the seed job, and starts a run of it; returns the run id.
    func startSeedRun(_ base: String, sandboxURL: String, receiverURL: String) async throws -> String {
        let webhook = try await create(base, "/webhook", ["target_url": .string(receiverURL + "/hook")])
        let account = try await create(
            base, "/integrated-account",
            [
                "integration_name": "zendesk", "tenant_id": "acme",
                "context": ["base_url": .string(sandboxURL), "email": "admin@example.com", "api_token": "sandbox-token"],
            ]
        )
        let job = try await create(base, "/sync-job", ["integration_name": "zendesk", "resources": seedJob])
        return try await create(
            base, "/sync-job-run", ["sync_job_id": .string(job), "integrated_account_id": .string(account), "webhook_id": .string(webhook)])
    }

    func get(_ base: String, _ path: String) async throws -> JSONValue {
        try await call(base, .GET, path, nil).1
    }

    func call(_ base: String, _ method: HTTPMethod, _ path: String, _ body: JSONValue?) async throws -> (Int, JSONValue) {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body.jsonString()))
        }
        let response = try await client.execute(request, timeout: .seconds(60))
        let text = String(buffer: try await response.body.collect(upTo: 1 << 22))
        return (Int(response.status.code), try JSONParser.parse(text))
    }
}
