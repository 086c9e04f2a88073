import Benchmarks
import Foundation
import JSONCore
import NIOHTTP1

/// What the demo does through the API: the seed-000 webhook, account, job and run, then live progress until the run
/// ends, then a summary.
struct DemoScenario: Sendable {
    let client: APIClient
    let receiver: DemoReceiver
    let sandboxURL: String
    let receiverURL: String

    static let job = ReferenceJob.job

    func run() async throws {
        print("  Zendesk sandbox   \(sandboxURL)")
        print("  webhook receiver  \(receiverURL)")
        let webhook = try await client.send(.POST, "/webhook", ["target_url": .string(receiverURL)])
        receiver.use(secret: webhook["secret"]?.stringValue ?? "")
        let account = try await client.send(
            .POST, "/integrated-account",
            [
                "integration_name": "zendesk", "tenant_id": "demo",
                "context": ["base_url": .string(sandboxURL), "email": "admin@example.com", "api_token": "sandbox-token"],
            ]
        )
        let job = try await client.send(.POST, "/sync-job", Self.job)
        let started = ContinuousClock.now
        let run = try await client.send(
            .POST, "/sync-job-run",
            ["sync_job_id": job["id"]!, "integrated_account_id": account["id"]!, "webhook_id": webhook["id"]!]
        )
        let runId = run["id"]?.stringValue ?? ""
        print("  sync job run      \(runId)\n")
        var final: JSONValue = run
        while true {
            try await Task.sleep(for: .milliseconds(500))
            final = try await client.send(.GET, "/sync-job-run/\(runId)")
            let status = final["status"]?.stringValue ?? "?"
            print(progressLine(status: status, elapsed: ContinuousClock.now - started))
            if ["completed", "failed", "stopped"].contains(status) { break }
        }
        // The final event may still be on its way to the receiver.
        for _ in 0..<40 where !receiver.tally.lastEvent.hasSuffix("completed") && !receiver.tally.lastEvent.hasSuffix("failed") {
            try await Task.sleep(for: .milliseconds(50))
        }
        print(summary(final, elapsed: ContinuousClock.now - started))
    }

    func progressLine(status: String, elapsed: Duration) -> String {
        let t = receiver.tally
        let total = t.records.values.reduce(0, +)
        let seconds = max(0.001, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        let parts = ["ticketing/users", "ticketing/contacts", "ticketing/tickets", "ticketing/comments"].map {
            "\($0.dropFirst("ticketing/".count)) \(t.records[$0] ?? 0)"
        }
        let pages = t.events["sync_job_run:record"] ?? 0
        return String(
            format: "  [%5.1fs] %-10@ %@ · %d pages · %.0f records/s", seconds, status as NSString, parts.joined(separator: " · ") as NSString, pages,
            Double(total) / seconds)
    }

    func summary(_ run: JSONValue, elapsed: Duration) -> String {
        let t = receiver.tally
        var lines = [
            "", "Run \(run["status"]?.stringValue ?? "?") in \(elapsed.formatted(.units(allowed: [.seconds, .milliseconds], width: .abbreviated)))",
        ]
        if let error = run["error"]?.stringValue { lines.append("  error: \(error)") }
        for (resource, stats) in (run["resource_stats"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
            let n = { (k: String) in Int(stats[k]?.numberValue ?? 0) }
            lines.append(
                "  \(resource.padding(toLength: 20, withPad: " ", startingAt: 0)) \(n("delivered")) records in \(n("pages")) pages, \(n("errors")) errors"
            )
        }
        lines.append("  receiver: \(t.verified) deliveries with valid signatures, \(t.rejected) rejected")
        lines.append("  events: " + t.events.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }.joined(separator: ", "))
        return lines.joined(separator: "\n")
    }
}
