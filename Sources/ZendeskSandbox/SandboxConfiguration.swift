import Foundation

/// Everything that shapes a sandbox: its data, its credentials, its limits and its faults.
public struct SandboxConfiguration: Sendable {
    /// Seed of the data generator and of the fault injector: same seed, same world, same faults.
    public var seed: UInt64 = 1
    /// Tickets generated at start (ids 1…N).
    public var tickets: Int = 1000
    /// Users generated at start; 0 picks `max(20, tickets / 5)`.
    public var users: Int = 0
    /// Mean comments per ticket (at least 1: the description).
    public var commentsPerTicket: Int = 3
    /// The admin's e-mail and API token (Basic `email/token:token`), and an OAuth bearer token.
    public var adminEmail = "admin@example.com"
    public var apiToken = "sandbox-token"
    public var oauthToken = "sandbox-oauth-token"
    /// OAuth clients (`--oauth-client id:secret:redirect_uri`); more can be created with `POST /api/v2/oauth/clients`.
    public var oauthClients: [SandboxOAuthClient] = []
    /// Account-wide requests per minute (0 = unlimited); Zendesk Enterprise is 700.
    public var rateLimit: Int = 0
    /// Requests per minute for `/incremental/*` (0 = unlimited); Zendesk's is 10.
    public var incrementalRateLimit: Int = 0
    /// Length of the rate-limit window in seconds (Zendesk: 60). Tests shorten it to exercise limits quickly.
    public var rateLimitWindow: Int = 60
    /// Each cursor-export page after the first repeats this many items of the previous page (0 = none, as Zendesk).
    /// Lets tests prove that clients drop repeated records.
    public var exportOverlap: Int = 0
    /// Items changed in the last S seconds are left out of incremental exports (Zendesk: 60).
    public var recentWindow: Int = 60
    /// Added to every response, plus up to `jitterMs` more.
    public var latencyMs: Int = 0
    public var jitterMs: Int = 0
    /// Fraction (0…1) of requests answered with an injected 500/502/503.
    public var errorRate: Double = 0
    /// Base of every absolute URL in responses (`next_page`, `after_url`, `links.next`, `url`); `nil` = the listening address.
    public var publicBaseURL: String?
    /// The newest timestamp of generated data (fixed, so a seed always yields the same world).
    public var dataEnd = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01T00:00:00Z
    /// How many years the generated data spans.
    public var dataYears: Double = 3
    /// Memory for the JSON of generated tickets already served (rendered once, then copied), in MiB; 0 turns it off.
    public var renderCacheMiB: Int = 128

    /// Creates a configuration with the defaults.
    public init() {}

    /// Users actually generated.
    public var userCount: Int { users > 0 ? users : max(20, tickets / 5) }
}
