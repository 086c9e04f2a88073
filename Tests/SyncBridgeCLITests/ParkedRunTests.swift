import AsyncHTTPClient
import Foundation
import JSONCore
import NIOCore
import NIOHTTP1
import SQLKit
import SyncBridgeCore
import SyncBridgeTestSupport
import Synchronization
import Testing
import ZendeskSandbox

@testable import Storage

/// A receiver down for 20 simulated hours, on the shared test clock: the run parks (`waiting_for_webhook`, holding no
/// lease) between attempts of the default day-long schedule, and completes once the receiver is back — every ticket
/// delivered, none skipped. With a worker restart in the middle, the next process takes the parked run up; a 410 at
/// any attempt fails it at once.
@Suite struct ParkedRunTests {
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("syncbridge-park-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    static func clock(_ sandboxURL: String, advance seconds: Int? = nil) async throws -> Date {
        var request = HTTPClientRequest(url: sandboxURL + "/__sandbox/clock")
        if let seconds {
            request.method = .POST
            request.body = .bytes(ByteBuffer(string: #"{"advance_seconds": \#(seconds)}"#))
        }
        let response = try await HTTPClientForTests.shared.execute(request, timeout: .seconds(30))
        let body = try JSONParser.parse(String(buffer: try await response.body.collect(upTo: 1 << 16)))
        return try #require(body["now"]?.stringValue.flatMap(Timestamp.parse))
    }

    /// The run's lease as the database holds it.
    static func lease(_ run: String, at location: TestStores.Location) async throws -> String? {
        try await withStore(at: location) { store in
            try await store.transaction { session in
                try await #require(session as? SQLSession).db.select().column("lease_owner").from("sync_job_runs").where("id", .equal, run).first()?
                    .decode(column: "lease_owner", as: String?.self)
            }
        }
    }

    enum Variant: String, CaseIterable, CustomTestStringConvertible {
        case outage, restart, gone
        var testDescription: String { rawValue }
    }

    @Test(.enabled(if: TestStores.checksPostgres, postgresMissingReason), arguments: Variant.allCases)
    func aDayLongOutageParksTheRunAndLosesNothing(variant: Variant) async throws {
        let location = try await TestStores.newLocation(.postgres)
        let database = try CLIProcess.postgresDatabase(location)
        let api = ProcessAPI(client: HTTPClientForTests.shared, token: try await CLIProcess.token(database: database, directory: directory))
        let receiver = WebhookReceiver()
        let dir = directory
        try await withSandboxAndReceiver(tickets: 250, receiver: receiver) { sandboxURL, receiverURL in
            do {
                let shared = ["SYNCBRIDGE_TEST_CLOCK": sandboxURL]
                let options = ["--account-requests-per-minute", "0", "--lease-seconds", "120"]
                var (serve, url) = try await CLIProcess.serve(database: database, directory: dir, extra: options, environment: shared)
                defer {
                    if serve.isRunning { serve.terminate() }
                }
                let webhook = try await api.create(url, "/webhook", ["target_url": .string(receiverURL + "/hook")])
                let account = try await api.create(
                    url, "/integrated-account",
                    [
                        "integration_name": "zendesk", "tenant_id": "acme",
                        "context": ["base_url": .string(sandboxURL), "email": "admin@example.com", "api_token": "sandbox-token"],
                    ])
                let job = try await api.create(
                    url, "/sync-job", ["integration_name": "zendesk", "resources": [["resource": "ticketing/tickets", "method": "list"]]])
                // The receiver goes down at the first page: every attempt is answered 503 (or 410) until it is back.
                let down = variant == .gone ? 410 : 503
                let pages = Atomic<Int>(0)
                receiver.beforeAnsweringEach { body in
                    if body.contains(#""event":"sync_job_run:record""#), pages.add(1, ordering: .relaxed).newValue == 1 {
                        receiver.respond(with: down)
                    }
                }
                let start = try await Self.clock(sandboxURL)
                let run = try await api.create(
                    url, "/sync-job-run", ["sync_job_id": .string(job), "integrated_account_id": .string(account), "webhook_id": .string(webhook)])
                if variant == .gone {
                    try await waitUntil { receiver.runEvents().contains { $0.event == "sync_job_run:failed" } }
                    let final = try await api.get(url, "/sync-job-run/\(run)")
                    #expect(final["status"] == "failed")
                    #expect(final["error"]?.stringValue?.contains("410") == true, "\(final["error"]?.jsonString() ?? "")")
                    #expect(receiver.deliveries.filter { $0.body.contains(#""event":"sync_job_run:record""#) }.count == 1, "no retry after a 410")
                    return
                }
                // Parked after the quick retry: waiting, with the next attempt due, and no lease.
                try await waitUntilAsync { try await api.get(url, "/sync-job-run/\(run)")["status"] == "waiting_for_webhook" }
                let parked = try await api.get(url, "/sync-job-run/\(run)")
                #expect(parked["next_attempt_at"]?.stringValue.flatMap(Timestamp.parse) != nil)
                #expect(
                    parked["error"]?.stringValue?.hasPrefix("waiting for the webhook: webhook did not acknowledge sync_job_run:record: HTTP 503")
                        == true)
                #expect(try await Self.lease(run, at: location) == nil, "a parked run holds no lease")
                // Twenty simulated hours of outage, in half-hour steps; the run stays parked or retrying, never fails.
                var restarted = false
                var now = start
                while now.timeIntervalSince(start) < 20 * 3600 {
                    now = try await Self.clock(sandboxURL, advance: 1800)
                    try await Task.sleep(for: .milliseconds(150))
                    let state = try await api.get(url, "/sync-job-run/\(run)")
                    let status = state["status"]?.stringValue
                    guard status == "waiting_for_webhook" || status == "running" else {
                        Issue.record("after \(Int(now.timeIntervalSince(start))) s: \(state.jsonString())")
                        return
                    }
                    if variant == .restart, !restarted, now.timeIntervalSince(start) > 10 * 3600 {
                        // The process that parked the run goes away; the next one takes it up when it is due.
                        serve.terminate()
                        await CLIProcess.waitForExit(serve)
                        (serve, url) = try await CLIProcess.serve(database: database, directory: dir, extra: options, environment: shared)
                        restarted = true
                    }
                }
                receiver.respond(with: 200)
                // The schedule's last attempt comes about 27.5 simulated hours after the first: move on until the run ends.
                let patience = ContinuousClock.now + TestPatience.long
                while !receiver.runEvents().contains(where: { $0.event == "sync_job_run:completed" || $0.event == "sync_job_run:failed" }) {
                    guard ContinuousClock.now < patience else {
                        Issue.record("the run did not end within the test's patience")
                        return
                    }
                    _ = try await Self.clock(sandboxURL, advance: 1800)
                    try await Task.sleep(for: .milliseconds(150))
                }
                let final = try await api.get(url, "/sync-job-run/\(run)")
                #expect(final["status"] == "completed", "\(final.jsonString())")
                #expect(final["error"] == .null)
                let delivered = DeliveredRecords(receiver.runEvents())
                #expect(Set(delivered.ids["ticketing/tickets"] ?? []).count == 250, "every ticket delivered")
                #expect(!receiver.runEvents().contains { $0.event == "sync_job_run:record_error" })
                let attempts = receiver.deliveries.filter { $0.body.contains(#""event":"sync_job_run:record""#) }
                let firstPage = attempts.filter { $0.headers["webhook-id"] == attempts.first?.headers["webhook-id"] }
                let stamps = firstPage.compactMap { $0.headers["webhook-timestamp"].flatMap(Double.init) }
                print(
                    "figure: \(variant): first page tried \(firstPage.count) times over \(Int(((stamps.last ?? 0) - (stamps.first ?? 0)) / 3600)) simulated hours, then delivered; \(delivered.ids["ticketing/tickets"]?.count ?? 0) ticket deliveries for 250 tickets"
                )
            }
        }
    }
}
