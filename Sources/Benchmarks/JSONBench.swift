import ArgumentParser
import AsyncHTTPClient
import Connectors
import Foundation
import JSONCore
import Logging
import NIOCore
import NIOHTTP1
import ZendeskSandbox

/// JSONCore on the engine's hot path: serializing a `sync_job_run:record` envelope of 100 unified tickets (as the
/// webhook body) and parsing a provider page of 100 tickets, beside Foundation's `JSONSerialization` doing the same
/// work on the same documents in the same run.
public struct JSONBench: AsyncParsableCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
        commandName: "json", abstract: "JSONCore serialize/parse MB/s vs Foundation JSONSerialization.")

    @Option(help: "Times each document is processed per measurement") var iterations = 300
    @Option(help: "Measurements per contender (the best counts; contenders interleaved)") var rounds = 5

    public func run() async throws {
        var logger = Logger(label: "bench")
        logger.logLevel = .critical
        let sandbox = ZendeskSandbox(configuration: SandboxConfiguration(), httpClient: nil, logger: logger)
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            let documents = try await withThrowingTaskGroup(of: (JSONValue, [UInt8])?.self) { group in
                let (urls, found) = AsyncStream<String>.makeStream()
                group.addTask {
                    try await sandbox.run { found.yield($0) }
                    return nil
                }
                var it = urls.makeAsyncIterator()
                guard let sandboxURL = await it.next() else { throw ValidationError("the sandbox did not start") }
                let documents = try await Self.documents(http: http, sandboxURL: sandboxURL, logger: logger)
                group.cancelAll()
                return documents
            }
            try await http.shutdown()
            measure(envelope: documents.0, page: documents.1)
        } catch {
            try? await http.shutdown()
            throw error
        }
    }

    /// A record envelope of one unified page, and the raw bytes of one provider page.
    static func documents(http: HTTPClient, sandboxURL: String, logger: Logger) async throws -> (JSONValue, [UInt8]) {
        let connector = ZendeskConnector(client: ProviderClient(http: http))
        let account = ConnectorAccount(
            id: UUID(), context: ["base_url": .string(sandboxURL), "email": "admin@example.com", "api_token": "sandbox-token"])
        let page = try await connector.fetch(ConnectorRequest(resource: "ticketing/tickets", method: "list"), account: account, logger: logger)
        let envelope: JSONValue = [
            "id": "4f1c2a8e-0000-4000-8000-000000000001", "event": "sync_job_run:record", "environment_id": "default",
            "created_at": "2026-11-23T12:00:00.000Z", "webhook_id": "4f1c2a8e-0000-4000-8000-000000000002",
            "payload": [
                "sync_job_run_id": "4f1c2a8e-0000-4000-8000-000000000003", "resource": "ticketing/tickets", "method": "list",
                "records": .array(page.records), "meta": ["page": 1, "next_cursor": .string(page.nextCursor ?? ""), "is_last_page": false],
            ],
        ]
        var request = HTTPClientRequest(url: sandboxURL + "/api/v2/tickets.json?page%5Bsize%5D=100")
        request.headers.add(name: "Authorization", value: "Basic " + Data("admin@example.com/token:sandbox-token".utf8).base64EncodedString())
        let response = try await http.execute(request, timeout: .seconds(30))
        let bytes = Array(buffer: try await response.body.collect(upTo: 64 << 20))
        return (envelope, bytes)
    }

    func measure(envelope: JSONValue, page: [UInt8]) {
        let body = envelope.jsonBytes()
        let foundationEnvelope = try! JSONSerialization.jsonObject(with: Data(body))
        let pageData = Data(page)
        print(
            "json benchmark: a 100-ticket unified record envelope (\(body.count / 1024) KiB) and a 100-ticket provider page (\(page.count / 1024) KiB); best of \(rounds)"
        )
        var best = [Double](repeating: .infinity, count: 4)
        for _ in 0..<rounds {
            best[0] = min(best[0], time { _ = envelope.jsonBytes().count })
            best[1] = min(best[1], time { _ = try! JSONSerialization.data(withJSONObject: foundationEnvelope).count })
            best[2] = min(best[2], time { _ = try! page.withUnsafeBytes { try JSONParser.parse(bytes: $0) } })
            best[3] = min(best[3], time { _ = try! JSONSerialization.jsonObject(with: pageData) })
        }
        report("serialize, JSONCore", bytes: body.count, seconds: best[0], baseline: best[1])
        report("serialize, JSONSerialization", bytes: body.count, seconds: best[1], baseline: nil)
        report("parse, JSONCore", bytes: page.count, seconds: best[2], baseline: best[3])
        report("parse, JSONSerialization", bytes: page.count, seconds: best[3], baseline: nil)
    }

    /// Seconds for `iterations` runs of `body`.
    func time(_ body: () -> Void) -> Double {
        let started = ContinuousClock.now
        for _ in 0..<iterations { body() }
        return EngineBench.seconds(ContinuousClock.now - started)
    }

    func report(_ label: String, bytes: Int, seconds: Double, baseline: Double?) {
        let name = label.padding(toLength: 30, withPad: " ", startingAt: 0)
        var line =
            "  \(name)"
            + String(format: "%7.1f MB/s  %7.1f µs per document", Double(bytes * iterations) / seconds / 1e6, seconds / Double(iterations) * 1e6)
        if let baseline { line += String(format: "  speed vs JSONSerialization %.2f", baseline / seconds) }
        print(line)
    }
}
