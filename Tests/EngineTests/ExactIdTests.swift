import Foundation
import JSONCore
import NIOHTTP1
import SyncBridgeCore
import SyncBridgeTestSupport
import Testing

/// Ids beyond ±2^53 travel exactly: through a JSONata query into the provider request, through stored run
/// arguments, and from a provider page through the engine to the webhook.
@Suite struct ExactIdTests {
    static let above: Int64 = 9_007_199_254_740_993  // 2^53 + 1
    static let top: Int64 = 9_223_372_036_854_775_807  // 2^63 − 1

    @Test func aQueryKeepsLargeIntegersAndComputesWithDoubles() throws {
        let scope: JSONValue = ["args": ["big": .integer(Self.top), "ids": [.integer(Self.above), 7]]]
        let passed = try QueryExpression("{ 'big': args.big, 'ids': args.ids, 'text': 'id ' & args.big, 'same': args.big = args.big }")
            .evaluate(in: scope)
        #expect(passed == ["big": .integer(Self.top), "ids": [.integer(Self.above), 7], "text": "id 9223372036854775807", "same": true])
        // Arithmetic and functions see the nearest double.
        let computed = try QueryExpression("{ 'plus': args.ids[0] + 0, 'type': $type(args.big) }").evaluate(in: scope)
        #expect(computed == ["plus": .number(9_007_199_254_740_992), "type": "number"])
    }

    @Test(arguments: StoreKind.available)
    func largeIdsCrossAWholeRunExactly(kind: StoreKind) async throws {
        try await withEngine(kind, tickets: 3) { h in
            // A ticket whose custom field ids are 2^53 + 1 and 2^63 − 1 (the sandbox keeps input ids as 64-bit
            // integers and writes them exactly).
            let created = try await h.zendesk(
                .POST, "/__sandbox/fixtures",
                [
                    "tickets": [
                        [
                            "subject": "big ids", "comment": ["body": "x"],
                            "custom_fields": [["id": .integer(Self.above), "value": "a"], ["id": .integer(Self.top), "value": "b"]],
                        ]
                    ]
                ])
            #expect(created["created"]?["tickets"]?.arrayValue?.count == 1)
            let webhook = try await h.webhook(eventTypes: ["sync_job_run:record"])
            let job = try await h.job(
                [["resource": "tickets", "method": "list", "query": "{ 'marker': args.marker }"]],
                argsSchema: ["marker": ["type": "integer"]]
            )
            let id = try await h.startRun(job: job, account: try await h.account(), webhook: webhook.id, ["args": ["marker": .integer(Self.top)]])
            let run = try await h.waitForRun(id)
            #expect(run["status"] == "completed", "\(run.jsonString())")
            #expect(run["args"]?["marker"] == .integer(Self.top), "stored and read back exactly")

            // The query's value reached the provider's URL digit for digit.
            let log = try await h.zendesk(.GET, "/__sandbox/stats")["log"]?.arrayValue ?? []
            #expect(log.contains { $0["path"] == "/api/v2/tickets.json" && $0["query"]?["marker"] == "9223372036854775807" }, "\(log.suffix(3))")
            // The ticket reached the webhook with its ids exact, in the body's text and parsed.
            let ticket = try #require(h.events().flatMap(\.records).first { $0["subject"] == "big ids" })
            #expect(ticket["custom_fields"]?.arrayValue?.compactMap { $0["id"] }.suffix(2) == [.integer(Self.above), .integer(Self.top)])
            #expect(h.receiver.deliveries.contains { $0.body.contains("\"id\":9007199254740993") && $0.body.contains("\"id\":9223372036854775807") })
        }
    }
}
