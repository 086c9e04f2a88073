import ArgumentParser
import AsyncHTTPClient
import Foundation
import JSONCore
import Logging
import ZendeskSandbox

struct SandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Run a local emulator of the Zendesk Support API with seeded data, rate limits and fault injection."
    )

    @Option(help: "Port to listen on (0 = any free port)") var port: Int = 8090
    @Option(help: "Interface to listen on") var host: String = "127.0.0.1"
    @Option(help: "Tickets to generate") var tickets: Int = 10_000
    @Option(help: "Users to generate (default: tickets / 5, at least 20)") var users: Int = 0
    @Option(name: .customLong("comments-per-ticket"), help: "Mean comments per ticket") var commentsPerTicket: Int = 3
    @Option(help: "Seed of the generated data and injected faults") var seed: UInt64 = 1
    @Option(name: .customLong("admin-email"), help: "The admin's e-mail") var adminEmail: String = "admin@example.com"
    @Option(name: .customLong("api-token"), help: "The admin's API token") var apiToken: String = "sandbox-token"
    @Option(name: .customLong("oauth-token"), help: "An accepted OAuth bearer token") var oauthToken: String = "sandbox-oauth-token"
    @Option(
        name: .customLong("oauth-client"),
        help: "An OAuth client as id:secret[:redirect_uri] (repeatable): consent page at /oauth/authorizations/new, grants at /oauth/tokens"
    ) var oauthClients: [String] = []
    @Option(name: .customLong("rate-limit"), help: "Requests per minute (0 = unlimited)") var rateLimit: Int = 0
    @Option(name: .customLong("incremental-rate-limit"), help: "Incremental-export requests per minute (0 = unlimited)") var incrementalRateLimit:
        Int = 0
    @Option(name: .customLong("rate-limit-window"), help: "Seconds per rate-limit window (Zendesk: 60)") var rateLimitWindow: Int = 60
    @Option(name: .customLong("recent-window"), help: "Seconds of recent changes held back from incremental exports") var recentWindow: Int = 60
    @Option(name: .customLong("latency-ms"), help: "Added latency per response") var latencyMs: Int = 0
    @Option(name: .customLong("render-cache-mb"), help: "Memory (MiB) for the JSON of tickets already served; 0 = off") var renderCacheMiB: Int = 128
    @Option(name: .customLong("jitter-ms"), help: "Random extra latency, up to this") var jitterMs: Int = 0
    @Option(name: .customLong("error-rate"), help: "Fraction of requests answered 500/502/503") var errorRate: Double = 0
    @Option(name: .customLong("fixtures"), help: "A JSON file of organizations, users and tickets to add at start") var fixtures: String?
    @Option(name: .customLong("public-base-url"), help: "Base of absolute URLs in responses (default: the listening address)") var publicBaseURL:
        String?

    func run() async throws {
        var c = SandboxConfiguration()
        c.seed = seed
        c.tickets = tickets
        c.users = users
        c.commentsPerTicket = commentsPerTicket
        c.adminEmail = adminEmail
        c.apiToken = apiToken
        c.oauthToken = oauthToken
        for flag in oauthClients {
            guard let client = SandboxOAuthClient(flag: flag) else {
                throw ValidationError("--oauth-client must be id:secret[:redirect_uri] (got '\(flag)')")
            }
            c.oauthClients.append(client)
        }
        c.rateLimit = rateLimit
        c.incrementalRateLimit = incrementalRateLimit
        c.rateLimitWindow = rateLimitWindow
        c.recentWindow = recentWindow
        c.latencyMs = latencyMs
        c.renderCacheMiB = renderCacheMiB
        c.jitterMs = jitterMs
        c.errorRate = errorRate
        c.publicBaseURL = publicBaseURL
        var logger = Logger(label: "zendesk-sandbox") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .warning
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let sandbox = ZendeskSandbox(configuration: c, host: host, port: port, httpClient: client, logger: logger)
        let config = c
        do {
            if let fixtures {
                let text = try String(contentsOfFile: fixtures, encoding: .utf8)
                let created = try sandbox.load(fixtures: try JSONParser.parse(text))
                let counts = (created.objectValue ?? [:]).sorted { $0.key < $1.key }.map { "\($0.value.arrayValue?.count ?? 0) \($0.key)" }
                FileHandle.standardError.write(Data("fixtures: added \(counts.joined(separator: ", "))\n".utf8))
            }
            try await sandbox.run { url in
                let text = """
                    Zendesk sandbox listening on \(url)
                      base URL:  \(url)/api/v2/
                      API token: \(config.adminEmail)/token : \(config.apiToken)   (HTTP Basic)
                      OAuth:     Bearer \(config.oauthToken); clients: \(config.oauthClients.map(\.identifier).joined(separator: ", ")) (POST \(url)/oauth/tokens)
                      data:      \(config.tickets) tickets, \(config.userCount) users, seed \(config.seed)
                      admin:     \(url)/__sandbox/stats

                    """
                FileHandle.standardOutput.write(Data(text.utf8))
            }
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }
}
