import ArgumentParser
import AsyncHTTPClient
import Foundation
import JSONCore
import Logging
import ZendeskSandbox

struct SandboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sandbox",
        abstract: "Run a local emulator of the Zendesk Support API with seeded data, rate limits and fault injection.",
        discussion: """
            Third-party Zendesk clients run against it unchanged. tap-zendesk and \
            airbyte-source-zendesk-support hard-code https://{subdomain}.zendesk.com, so \
            serve HTTPS on port 443 (--tls) in a network namespace whose hosts file maps \
            acme.zendesk.com to 127.0.0.1, and trust the generated authority there:

              ip netns add zd
              ip netns exec zd ip link set lo up
              mkdir -p /etc/netns/zd
              echo '127.0.0.1 localhost acme.zendesk.com' > /etc/netns/zd/hosts
              ip netns exec zd syncbridge sandbox --port 443 \\
                --tls --tls-ca-out /tmp/zd-ca.pem &
              export REQUESTS_CA_BUNDLE=/tmp/zd-ca.pem SSL_CERT_FILE=/tmp/zd-ca.pem

            Then run each client with `ip netns exec zd …`:
            - tap-zendesk 2.8.2: config {"subdomain": "acme", "access_token": \
            "sandbox-oauth-token", "start_date": "2020-01-01T00:00:00Z"}; --discover, \
            then --catalog with the streams selected.
            - airbyte-source-zendesk-support 4.9.1 (airbyte-cdk 6.59.2): config \
            {"subdomain": "acme", "start_date": "2020-01-01T00:00:00Z", "credentials": \
            {"credentials": "oauth2.0", "access_token": "sandbox-oauth-token"}}; check, \
            discover, read. Its CDK ignores REQUESTS_CA_BUNDLE: append the authority to \
            its venv's certifi bundle.
            - zenpy 2.0.57: Zenpy(subdomain="acme", email="admin@example.com", \
            token="sandbox-token"); or, with plain HTTP and no namespace, \
            ZENPY_FORCE_SCHEME=http ZENPY_FORCE_NETLOC=127.0.0.1:<port>.

            scripts/client-check.py does all of this and checks every record count.
            """
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

    @Flag(help: "Serve HTTPS with a certificate generated at start, for *.zendesk.com, localhost and 127.0.0.1") var tls = false
    @Option(name: .customLong("tls-cert"), help: "Serve HTTPS with this PEM certificate chain (with --tls-key)") var tlsCert: String?
    @Option(name: .customLong("tls-key"), help: "The PEM private key of --tls-cert") var tlsKey: String?
    @Option(
        name: .customLong("tls-name"),
        help: "A name the generated certificate covers (repeatable; default *.zendesk.com, zendesk.com, localhost, 127.0.0.1)")
    var tlsNames: [String] = []
    @Option(name: .customLong("tls-ca-out"), help: "Where to write the generated authority's certificate, for clients to trust") var tlsAuthorityOut:
        String?

    func validate() throws {
        if (tlsCert == nil) != (tlsKey == nil) { throw ValidationError("--tls-cert and --tls-key go together") }
        if tls && tlsCert != nil { throw ValidationError("--tls generates a certificate; give either --tls or --tls-cert/--tls-key") }
        if !tls && (!tlsNames.isEmpty || tlsAuthorityOut != nil) { throw ValidationError("--tls-name and --tls-ca-out need --tls") }
    }

    /// The certificate to serve with, if any; a generated authority is written where clients can trust it.
    func makeTLS() throws -> (SandboxTLS, authorityPath: String?)? {
        if let tlsCert, let tlsKey {
            return (
                try SandboxTLS(
                    certificateChainPEM: String(contentsOfFile: tlsCert, encoding: .utf8),
                    privateKeyPEM: String(contentsOfFile: tlsKey, encoding: .utf8)), nil
            )
        }
        guard tls else { return nil }
        let generated = try SandboxTLS.generate(names: tlsNames.isEmpty ? SandboxTLS.defaultNames : tlsNames)
        let path = tlsAuthorityOut ?? FileManager.default.temporaryDirectory.appendingPathComponent("syncbridge-sandbox-ca-\(getpid()).pem").path
        try Data((generated.authorityPEM ?? "").utf8).write(to: URL(fileURLWithPath: path))
        return (generated, path)
    }

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
        let tls = try makeTLS()
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let sandbox = ZendeskSandbox(configuration: c, host: host, port: port, tls: tls?.0, httpClient: client, logger: logger)
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
                    \(tls.map { "  TLS:       HTTP/1.1; " + ($0.authorityPath.map { "trust \($0) (REQUESTS_CA_BUNDLE, SSL_CERT_FILE)" } ?? "certificate from --tls-cert") + "\n" } ?? "")
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
