import Foundation

/// Where an account's request budget starts, before the provider's headers say better.
public struct RequestBudgetConfiguration: Sendable, Equatable {
    /// Requests per minute per endpoint class (``EndpointClass/general`` is the account's limit); a class missing
    /// here is not spaced until its headers give a limit.
    public var perMinute: [EndpointClass: Double]
    /// Seconds added to each minute when spacing requests (see ``RequestPacer``): the bunching of arrivals a budget
    /// absorbs without exceeding the provider's per-minute count.
    public var margin: Double

    /// A configuration; by default 600 a minute for the account and Zendesk's 10 for incremental exports.
    public init(perMinute: [EndpointClass: Double] = [.general: 600, .incrementalExports: 10], margin: Double = 1) {
        self.perMinute = perMinute.filter { $0.value > 0 }
        self.margin = max(0, margin)
    }

    /// The pacer a bucket starts with.
    public func initialPacer(_ endpointClass: EndpointClass) -> RequestPacer {
        RequestPacer(perMinute: perMinute[endpointClass])
    }
}

/// A wait for the budget longer than the caller allows (a live API request does not queue behind a minute of
/// throttling; it answers 429 with the wait instead).
public struct RequestBudgetExceeded: Error, Sendable, Equatable {
    /// Seconds until the request could go.
    public var retryAfter: Double
    /// The bucket it waits for.
    public var endpointClass: EndpointClass
}

/// One request budget per integrated account and endpoint class, for every caller of the provider: runs, the live
/// APIs, push registration, destination writes and token refreshes go through the same budget.
///
/// Drivers keep the pacers: ``LocalRequestBudget`` in the process (SQLite deployments, one process), and a database
/// row per bucket on PostgreSQL, so that any number of processes on one account never spend the same slot twice.
public protocol RequestBudget: Sendable {
    /// The starting limits and the spacing margin.
    var configuration: RequestBudgetConfiguration { get }
    /// Slots and waits are measured on it.
    var clock: any WallClock { get }
    /// Takes a slot of one bucket (atomically across every process sharing the budget): the instant the request may
    /// go, or nil (taking nothing) when that is more than `maxWait` seconds away. The wait it would have is in the
    /// second value.
    func reserve(account: UUID, endpointClass: EndpointClass, maxWait: Double?) async throws -> (slot: Date?, wait: Double)
    /// Follows what a provider's answer said (limits learned, throttling).
    func observe(_ key: RequestBudgetKey, _ observation: RateLimitObservation) async
    /// The bucket's current state, for estimates (nil: nothing known beyond the configuration).
    func pacer(account: UUID, endpointClass: EndpointClass) async -> RequestPacer?
}

extension RequestBudget {
    /// Waits until a request with this key may go: a slot of each of its classes, scarcest first, waited for in
    /// turn. Throws ``RequestBudgetExceeded`` when a wait would pass `maxWait`, and `CancellationError` when the
    /// task is cancelled while waiting.
    public func acquire(_ key: RequestBudgetKey, maxWait: Double? = nil) async throws {
        for endpointClass in key.classes {
            let (slot, wait) = try await reserve(account: key.account, endpointClass: endpointClass, maxWait: maxWait)
            guard let slot else { throw RequestBudgetExceeded(retryAfter: wait, endpointClass: endpointClass) }
            let left = slot.timeIntervalSince(clock.now())
            if left > 0 { try await clock.sleep(for: .milliseconds(Int64((left * 1000).rounded(.up)))) }
        }
    }

    /// The account's requests per minute as currently paced (its general bucket), for estimates.
    public func currentRate(account: UUID) async -> Double? {
        let pacer = await pacer(account: account, endpointClass: .general) ?? configuration.initialPacer(.general)
        return pacer.perMinute.map { $0 * 60 / (60 + configuration.margin) }
    }
}
