import ArgumentParser
import AsyncHTTPClient
import Connectors
import Foundation
import JSONCore
import Logging
import ZendeskSandbox

/// The Zendesk connector alone: listing every ticket as unified `ticketing/tickets` (and as proxy `tickets`), beside
/// a raw loop that fetches and parses the same cursor pages from the same sandbox, in the same run. Shows whether
/// the mapping to the unified schema costs throughput.
public struct ConnectorBench: AsyncParsableCommand {
    public init() {}

    public static let configuration = CommandConfiguration(commandName: "connector", abstract: "Zendesk connector records/s vs a raw page loop.")

    @Option(help: "Tickets in the sandbox") var tickets: Int = 100_000
    @Option(help: "Times each loop runs (the best run counts)") var rounds: Int = 3

    public func run() async throws {
        var logger = Logger(label: "bench")
        logger.logLevel = .critical
        var configuration = SandboxConfiguration()
        configuration.tickets = tickets
        let sandbox = ZendeskSandbox(configuration: configuration, httpClient: nil, logger: logger)
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                let (urls, found) = AsyncStream<String>.makeStream()
                group.addTask { try await sandbox.run { found.yield($0) } }
                var it = urls.makeAsyncIterator()
                guard let sandboxURL = await it.next() else { return }
                try await measure(http: http, sandboxURL: sandboxURL, logger: logger)
                group.cancelAll()
            }
        } catch {
            try? await http.shutdown()
            throw error
        }
        try await http.shutdown()
    }

    func measure(http: HTTPClient, sandboxURL: String, logger: Logger) async throws {
        let connector = ZendeskConnector(client: ProviderClient(http: http))
        let account = ConnectorAccount(
            id: UUID(), context: ["base_url": .string(sandboxURL), "email": "admin@example.com", "api_token": "sandbox-token"]
        )
        print("connector benchmark: \(tickets) tickets, 100 per page, sandbox on loopback without latency (best of \(rounds), loops interleaved)")
        let resources = ["tickets", "ticketing/tickets"]
        var raw = Double.infinity
        var best = [Double](repeating: .infinity, count: resources.count)
        for _ in 0..<rounds {
            raw = min(raw, try await Self.rawLoop(http: http, sandboxURL: sandboxURL, expected: tickets))
            for (i, resource) in resources.enumerated() {
                best[i] = min(best[i], try await listAll(resource, connector: connector, account: account, logger: logger))
            }
        }
        report("raw page loop (fetch + parse)", seconds: raw, baseline: nil)
        for (i, resource) in resources.enumerated() { report("connector, \(resource)", seconds: best[i], baseline: raw) }
    }

    /// Lists every ticket through the connector; returns the seconds taken.
    func listAll(_ resource: String, connector: ZendeskConnector, account: ConnectorAccount, logger: Logger) async throws -> Double {
        let started = ContinuousClock.now
        var request = ConnectorRequest(resource: resource, method: "list")
        var count = 0
        repeat {
            let page = try await connector.fetch(request, account: account, logger: logger)
            count += page.records.count
            request.cursor = page.nextCursor
        } while request.cursor != nil
        guard count == tickets else { throw ValidationError("the connector listed \(count) of \(tickets) tickets") }
        return EngineBench.seconds(ContinuousClock.now - started)
    }

    func report(_ label: String, seconds: Double, baseline: Double?) {
        let name = label.padding(toLength: 32, withPad: " ", startingAt: 0)
        var line = "  \(name)" + String(format: "%8.0f records/s  %6.2f s", Double(tickets) / seconds, seconds)
        if let baseline { line += String(format: "  ratio vs raw %.2f", baseline / seconds) }
        print(line)
    }

    /// What a user would write: fetch each cursor page, parse it, follow `links.next`.
    static func rawLoop(http: HTTPClient, sandboxURL: String, expected: Int) async throws -> Double {
        let (records, seconds) = try await RawLoop(http: http, sandboxURL: sandboxURL, receiverURL: nil).run()
        guard records == expected else { throw ValidationError("the raw loop listed \(records) of \(expected) tickets") }
        return seconds
    }
}
