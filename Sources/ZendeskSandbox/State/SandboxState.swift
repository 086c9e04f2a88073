import Foundation
import JSONCore
import Synchronization

/// Everything mutable in a running sandbox, behind one lock: the world, runtime settings, rate-limit windows, the
/// fault queue, bulk jobs, webhooks and triggers, and request statistics.
final class SandboxState: Sendable {
    struct Inner: Sendable {
        var world: World
        var settings: RuntimeSettings
        var limiter = RateLimiter()
        var faults = FaultQueue()
        var jobs: [String: JobStatus] = [:]
        var webhooks: [String: ZendeskWebhook] = [:]
        var triggers: [Int64: ZendeskTrigger] = [:]
        var nextTriggerId: Int64 = 360_500_000
        var stats = RequestStats()
        var oauth: OAuthRegistry
        var requestCount: UInt64 = 0
        /// The last generated timestamp handed out, so changes within one second still order by time.
        var lastChange: Int64 = 0
    }

    let inner: Mutex<Inner>
    /// Seconds added to the real clock (`POST /__sandbox/clock`), so tests can move "now" — the recent-window
    /// exclusion, `start_time` checks, change timestamps — without waiting.
    let clockOffset = Atomic<Int64>(0)
    /// The JSON of generated tickets already served.
    let renderCache: RenderCache
    /// The account-wide order of audits and metric events, sorted on first use.
    let timeline = TimelineIndex()
    let configuration: SandboxConfiguration
    let random: SeededRandom

    init(configuration: SandboxConfiguration, now: Date) {
        self.configuration = configuration
        random = SeededRandom(seed: configuration.seed ^ 0xFA17)
        renderCache = RenderCache(budget: max(0, configuration.renderCacheMiB) << 20)
        let generator = Generator(configuration: configuration, now: now)
        inner = Mutex(
            Inner(
                world: World(generator: generator, adminEmail: configuration.adminEmail), settings: RuntimeSettings(configuration),
                oauth: OAuthRegistry(clients: configuration.oauthClients)
            )
        )
    }

    func withLock<R: Sendable>(_ body: (inout Inner) throws(SandboxError) -> R) throws(SandboxError) -> R {
        try inner.withLock { (inner: inout Inner) throws(SandboxError) -> R in try body(&inner) }
    }

    func read<R: Sendable>(_ body: (inout Inner) -> R) -> R {
        inner.withLock { body(&$0) }
    }

    /// The sandbox's now in epoch seconds: the real clock moved by the virtual-clock offset.
    func now() -> Int64 { Int64(Date().timeIntervalSince1970) + clockOffset.load(ordering: .relaxed) }
    /// The same instant with its fraction of a second.
    func preciseNow() -> Double { Date().timeIntervalSince1970 + Double(clockOffset.load(ordering: .relaxed)) }
}

extension SandboxState.Inner {
    /// A timestamp for a change happening now, never earlier than the previous change.
    mutating func changeTime(_ now: Int64) -> Int64 {
        lastChange = max(now, lastChange)
        return lastChange
    }
}

/// Settings that the admin API can change while the sandbox runs.
struct RuntimeSettings: Sendable {
    var rateLimit: Int
    var incrementalRateLimit: Int
    var rateLimitWindow: Int
    var exportOverlap: Int
    var latencyMs: Int
    var jitterMs: Int
    var errorRate: Double
    var recentWindow: Int
    /// Extra latency for requests whose path contains a key (`{"incremental": 500}`), on top of `latencyMs`.
    var routeLatencyMs: [String: Int] = [:]

    /// The latency for a path: the global one plus the largest matching per-route one.
    func latency(path: String) -> Int {
        latencyMs + (routeLatencyMs.isEmpty ? 0 : routeLatencyMs.filter { path.contains($0.key) }.map(\.value).max() ?? 0)
    }

    init(_ c: SandboxConfiguration) {
        rateLimit = c.rateLimit
        incrementalRateLimit = c.incrementalRateLimit
        rateLimitWindow = max(1, c.rateLimitWindow)
        exportOverlap = max(0, c.exportOverlap)
        latencyMs = c.latencyMs
        jitterMs = c.jitterMs
        errorRate = c.errorRate
        recentWindow = c.recentWindow
    }
}

/// Counters by endpoint and status, the number of 429s sent, and the last requests.
struct RequestStats: Sendable {
    var total = 0
    var byEndpoint: [String: Int] = [:]
    var byStatus: [Int: Int] = [:]
    var rateLimited = 0
    var log: [(method: String, path: String, query: [String: String], status: Int)] = []
    /// When each request the rate limiter looked at arrived (epoch seconds with fractions on the virtual clock), and
    /// whether it was let through: the record a test checks any 60-second window against. The last 200,000.
    var arrivals: [(at: Double, path: String, admitted: Bool)] = []

    mutating func arrived(at: Double, path: String, admitted: Bool) {
        arrivals.append((at, path, admitted))
        if arrivals.count > 200_000 { arrivals.removeFirst(arrivals.count - 200_000) }
    }

    var arrivalsJSON: JSONValue {
        [
            "arrivals": .array(
                arrivals.map { ["at": .number($0.at), "path": .string($0.path), "admitted": .bool($0.admitted)] })
        ]
    }

    mutating func record(_ r: SandboxRequest, status: Int, path: String) {
        total += 1
        byEndpoint[r.endpoint, default: 0] += 1
        byStatus[status, default: 0] += 1
        if status == 429 { rateLimited += 1 }
        log.append((r.method, path, r.query, status))
        if log.count > 1000 { log.removeFirst(log.count - 1000) }
    }

    var json: JSONValue {
        [
            "requests_total": .number(Double(total)),
            "rate_limited": .number(Double(rateLimited)),
            "by_endpoint": .object(byEndpoint.mapValues { .number(Double($0)) }),
            "by_status": .object(Dictionary(uniqueKeysWithValues: byStatus.map { (String($0.key), JSONValue.number(Double($0.value))) })),
            "log": .array(
                log.suffix(200).map {
                    [
                        "method": .string($0.method), "path": .string($0.path), "query": .object($0.query.mapValues(JSONValue.string)),
                        "status": .number(Double($0.status)),
                    ]
                }),
        ]
    }
}
