import Foundation
import NIOHTTP1
import SyncBridgeCore
import SyncBridgeTestSupport
import Synchronization
import Testing

/// Property: whatever faults the provider throws at a sequence of incremental runs — pages failing with 500s,
/// truncated pages, dropped connections, a run that fails (`fail_fast`) and one that is stopped — every ticket changed
/// before the last healthy run has been delivered, in its latest state, by some run. Seeded, so a failure reproduces.
@Suite struct WatermarkPropertyTests {
    static let job: JSONValue = [["resource": "ticketing/tickets", "method": "list", "query": ["updated_at": ["gt": "{{previous_run_date}}"]]]]

    /// SplitMix64: a small seeded generator.
    struct Seeded: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    enum Round: CaseIterable {
        case healthy, failing500, truncated, dropped, failFast, stopped
    }

    @Test(arguments: StoreKind.available, [UInt64(7), 2026])
    func everyChangedTicketIsDeliveredDespiteFaults(kind: StoreKind, seed: UInt64) async throws {
        try await withEngine(kind, tickets: 2_300, engineRunning: false) { h in
            // The engine and the sandbox share a clock that moves five minutes before each round: changes are then far
            // older than the connector's 61 s lag by the time later runs look, so only the watermark decides what a
            // run asks for.
            let clock = SharedTestClock()
            try await h.whileEngineRuns(clock: clock) {
                var rng = Seeded(state: seed)
                let webhook = try await h.webhook()
                let account = try await h.account()
                let job = try await h.job(Self.job)
                let ids = try await h.zendeskAll("/api/v2/tickets.json", key: "tickets").filter { $0["status"] != "closed" }.compactMap {
                    $0["id"]?.numberValue
                }
                .map { Int($0) }
                // The latest updated_at of every ticket the test changed (all others are in the first run's export).
                var latest: [String: String] = [:]
                var rounds: [Round] = [.healthy]
                rounds += (0..<7).map { _ in Round.allCases.randomElement(using: &rng)! }
                rounds += [.failFast, .stopped, .healthy]
                var log: [String] = []
                for (n, round) in rounds.enumerated() {
                    _ = try await h.zendesk(.POST, "/__sandbox/clock", ["advance_seconds": 300])
                    clock.offset.withLock { $0 += 300 }
                    if n > 0 {
                        for _ in 0..<Int.random(in: 3...12, using: &rng) {
                            let id = ids.randomElement(using: &rng)!
                            let reply = try await h.zendesk(
                                .PUT, "/api/v2/tickets/\(id).json",
                                ["ticket": ["subject": .string("round \(n) \(Int.random(in: 0..<1_000_000, using: &rng))")]])
                            if let stamp = reply["ticket"]?["updated_at"]?.stringValue { latest[String(id)] = stamp }
                        }
                    }
                    var extra: [String: JSONValue] = [:]
                    // Later exports are one page (only the changes): a fault on the first request, failing both attempts
                    // the test policy makes, so none is left over for the next run.
                    let skip = n == 0 ? Double(Int.random(in: 0...2, using: &rng)) : 0
                    switch round {
                    case .healthy: break
                    case .failing500:
                        _ = try await h.zendesk(
                            .POST, "/__sandbox/faults", ["status": 500, "count": 2, "skip": .number(skip), "path_contains": "incremental/tickets"])
                    case .truncated:
                        _ = try await h.zendesk(
                            .POST, "/__sandbox/faults",
                            ["status": 200, "malformed": true, "count": 2, "skip": .number(skip), "path_contains": "incremental/tickets"])
                    case .dropped:
                        _ = try await h.zendesk(
                            .POST, "/__sandbox/faults",
                            ["status": 200, "drop": true, "count": 2, "skip": .number(skip), "path_contains": "incremental/tickets"])
                    case .failFast:
                        extra["error_handling"] = "fail_fast"
                        _ = try await h.zendesk(
                            .POST, "/__sandbox/faults", ["status": 500, "count": 2, "skip": .number(skip), "path_contains": "incremental/tickets"])
                    case .stopped: h.receiver.answer("sync_job_run:started", with: 400)
                    }
                    let run = try await h.run(job: job, account: account, webhook: webhook.id, extra)
                    log.append("\(round): \(run["status"]?.stringValue ?? "?") \(run["error"]?.stringValue ?? "")")
                    switch round {
                    case .failFast: #expect(run["status"] == "failed", "\(log)")
                    case .stopped: #expect(run["status"] == "stopped", "\(log)")
                    default: #expect(run["status"] == "completed", "\(log)")
                    }
                }
                try await h.waitForEvent("sync_job_run:completed")
                // Every changed ticket, in its latest state, reached the receiver.
                var seen = Set<String>()
                for record in h.events().filter({ $0.event == "sync_job_run:record" }).flatMap(\.records) {
                    if let id = record["id"]?.stringValue, let stamp = record["updated_at"]?.stringValue, latest[id] == stamp { seen.insert(id) }
                }
                let missing = Set(latest.keys).subtracting(seen)
                #expect(
                    missing.isEmpty,
                    "seed \(seed): \(missing.count) of \(latest.count) changed tickets never delivered in their latest state; rounds: \(log)")
                #expect(latest.count > 20)
            }
        }
    }
}
