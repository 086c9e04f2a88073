import Foundation

/// How the engine runs: how many runs at once, how it leases them, and how hard it retries.
public struct EngineConfiguration: Sendable {
    /// Names this process in run leases (host and pid by default).
    public var workerId: String
    /// Runs executed at the same time by this process.
    public var maxConcurrentRuns: Int = 4
    /// How often the engine looks for new runs and due outbox events when idle.
    public var pollInterval: Duration = .milliseconds(250)
    /// How long a claimed run stays this process's without renewal; another worker takes it over afterwards.
    public var leaseDuration: TimeInterval = 30
    /// How often an executing run looks whether it was stopped (through the API, perhaps by another process): a stop
    /// cancels whatever the run is doing then, a JSONata evaluation or a regex match included.
    public var stopCheckInterval: Duration = .seconds(1)
    /// Longest one evaluation of a resource's JSONata `query` may run; past it the request fails (`record_error`).
    public var queryTimeLimit: Duration = .seconds(5)
    /// Runs of one environment executed at once across every process sharing the store, so that one environment's
    /// burst cannot take every worker slot from the others; `nil` means no bound.
    public var maxRunsPerEnvironment: Int? = 3
    /// Retries of webhook deliveries.
    public var delivery = RetryPolicy.delivery
    /// A webhook that failed every delivery for this long is deactivated, and `webhook:disabled` goes to the others.
    public var disableWebhookAfter: TimeInterval = 5 * 86_400
    /// A delivery whose next attempt is further off than this parks its run (`waiting_for_webhook`, no lease, no
    /// worker slot) until the attempt is due; shorter waits are slept through.
    public var parkAfter: TimeInterval = 60
    /// Provider requests a run keeps in flight ahead of its walk: the first pages of the dependents (and `loop_on`
    /// elements) it enters next, answered in walk order. A job's `concurrency` may lower it; 1 asks one at a time.
    public var dependentConcurrency = 8
    /// Retries of provider requests that failed transiently (5xx, network).
    public var fetch = RetryPolicy.fetch
    /// Longest single wait the engine accepts from a provider's `Retry-After` (longer waits are capped).
    public var maxRateLimitWait: TimeInterval = 900
    /// A run claimed more often than this in a row without its checkpoint moving (every process that took it died)
    /// is quarantined: it fails with an error saying so, and the engine goes on with other runs.
    public var maxClaimsWithoutProgress = 5
    /// Test-only: the process aborts before fetching this resource (set from `SYNCBRIDGE_TEST_CRASH_BEFORE_FETCHING`
    /// by the command line, never by default), so tests can show that a run that crashes the engine is quarantined.
    public var crashBeforeFetching: String?

    /// Creates a configuration.
    public init(workerId: String = EngineConfiguration.defaultWorkerId) {
        self.workerId = workerId
    }

    /// `hostname:pid`.
    public static var defaultWorkerId: String {
        "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)"
    }
}

/// Exponential backoff with jitter: a few quick retries, then doubling delays up to a ceiling, then give up.
public struct RetryPolicy: Sendable, Equatable {
    /// Retries made after `quickDelay` each before backing off.
    public var quickRetries: Int
    public var quickDelay: TimeInterval
    /// The first backed-off delay; each later one doubles.
    public var baseDelay: TimeInterval
    /// No delay is longer than this.
    public var maxDelay: TimeInterval
    /// Attempts in all (the first included) before giving up.
    public var maxAttempts: Int
    /// Fraction of each delay added or removed at random, so retries from many runs do not line up.
    public var jitter: Double = 0.2
    /// Explicit waits after each failed attempt (the first wait after the first attempt); when set it replaces the
    /// backoff, and there are `schedule.count + 1` attempts in all.
    public var schedule: [TimeInterval]?

    /// A policy that waits `schedule[i]` after the `i + 1`-th failed attempt.
    public static func scheduled(_ schedule: [TimeInterval], jitter: Double = 0.1) -> RetryPolicy {
        var policy = RetryPolicy(
            quickRetries: 0, quickDelay: 0, baseDelay: 0, maxDelay: schedule.max() ?? 0, maxAttempts: schedule.count + 1, jitter: jitter)
        policy.schedule = schedule
        return policy
    }

    /// Reads a schedule like `5s,5m,30m,2h,5h,10h,10h` (units s, m, h, d; a bare number is seconds); nil when any
    /// part is not a wait from 0 to 30 days.
    public static func schedule(parsing text: String) -> [TimeInterval]? {
        let units: [Character: TimeInterval] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
        var out: [TimeInterval] = []
        for part in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !part.isEmpty {
            var number = Substring(part)
            var unit: TimeInterval = 1
            if let last = part.last, let u = units[last] {
                unit = u
                number = number.dropLast()
            }
            // A wait is at most 30 days: a bigger one (or one that overflows) is no schedule.
            guard let n = Double(number), n >= 0, n.isFinite, n * unit <= 30 * 86_400 else { return nil }
            out.append(n * unit)
        }
        return out.isEmpty ? nil : out
    }

    /// Creates a policy.
    public init(quickRetries: Int, quickDelay: TimeInterval, baseDelay: TimeInterval, maxDelay: TimeInterval, maxAttempts: Int, jitter: Double = 0.2)
    {
        self.quickRetries = quickRetries
        self.quickDelay = quickDelay
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxAttempts = maxAttempts
        self.jitter = jitter
    }

    /// At once, then after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h — eight attempts over about
    /// 27.5 hours — then the run fails, keeping its checkpoint for a resume. Waits past ``EngineConfiguration/parkAfter``
    /// park the run.
    public static let delivery = RetryPolicy.scheduled([5, 300, 1_800, 7_200, 18_000, 36_000, 36_000])
    /// Provider 5xx and network errors: five retries over about a minute.
    public static let fetch = RetryPolicy(quickRetries: 1, quickDelay: 1, baseDelay: 2, maxDelay: 30, maxAttempts: 6)

    /// The wait before attempt `attempt + 1`, after `attempt` failed attempts (1-based), at least `retryAfter`.
    public func delay(afterAttempt attempt: Int, retryAfter: TimeInterval? = nil) -> TimeInterval {
        let raw: TimeInterval
        if let schedule, !schedule.isEmpty {
            raw = schedule[min(max(0, attempt - 1), schedule.count - 1)]
        } else {
            raw = attempt <= quickRetries ? quickDelay : min(maxDelay, baseDelay * pow(2, Double(attempt - quickRetries - 1)))
        }
        let spread = raw * jitter * Double.random(in: -1...1)
        return min(maxDelay, max(retryAfter ?? 0, max(0, raw + spread)))
    }
}
