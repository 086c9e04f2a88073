import Foundation

/// The request budget of one process: a pacer per account and endpoint class, in memory. Right where one process
/// makes every request of its accounts (SQLite deployments); several processes need the database's shared budget.
public actor LocalRequestBudget: RequestBudget {
    public nonisolated let configuration: RequestBudgetConfiguration
    public nonisolated let clock: any WallClock
    private var pacers: [Bucket: RequestPacer] = [:]

    struct Bucket: Hashable {
        let account: UUID
        let endpointClass: EndpointClass
    }

    /// Creates the budget; each bucket starts from the configuration.
    public init(_ configuration: RequestBudgetConfiguration = .init(), clock: any WallClock = SystemWallClock()) {
        self.configuration = configuration
        self.clock = clock
    }

    public func reserve(account: UUID, endpointClass: EndpointClass, maxWait: Double?) -> (slot: Date?, wait: Double) {
        let bucket = Bucket(account: account, endpointClass: endpointClass)
        var pacer = pacers[bucket] ?? configuration.initialPacer(endpointClass)
        let now = clock.now()
        let slot = pacer.reserve(now: now, margin: configuration.margin, maxWait: maxWait)
        pacers[bucket] = pacer
        return (slot, slot.map { $0.timeIntervalSince(now) } ?? pacer.wait(now: now))
    }

    public func observe(_ key: RequestBudgetKey, _ observation: RateLimitObservation) {
        guard !observation.isEmpty else { return }
        let now = clock.now()
        let throttled = observation.throttledClasses(of: key)
        for endpointClass in observation.classes(of: key) {
            let bucket = Bucket(account: key.account, endpointClass: endpointClass)
            var pacer = pacers[bucket] ?? configuration.initialPacer(endpointClass)
            pacer.follow(observation, as: endpointClass, throttled: throttled.contains(endpointClass), now: now)
            pacers[bucket] = pacer
        }
    }

    public func pacer(account: UUID, endpointClass: EndpointClass) -> RequestPacer? {
        pacers[Bucket(account: account, endpointClass: endpointClass)]
    }
}
