import Foundation
import Logging
import SyncBridgeCore
import Synchronization

/// The request budget kept in the database: one row per account and endpoint class, taken under a row lock, so any
/// number of processes on one PostgreSQL share one budget and never spend the same slot twice. Slots are measured
/// on the engine's clock, which processes sharing a budget must agree on (as they must for leases).
///
/// An answer repeating a limit already known changes nothing and writes nothing; a new limit, an empty window or a
/// 429 is written at once for every process to follow.
public final class StoreRequestBudget: RequestBudget {
    public let configuration: RequestBudgetConfiguration
    public let clock: any WallClock
    let store: any Store
    let logger: Logger
    /// The limit this process last saw per bucket, to skip writes that change nothing.
    private let known = Mutex<[String: Double]>([:])

    /// A budget over a store.
    public init(store: any Store, configuration: RequestBudgetConfiguration = .init(), clock: any WallClock, logger: Logger) {
        self.store = store
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
    }

    public func reserve(account: UUID, endpointClass: EndpointClass, maxWait: Double?) async throws -> (slot: Date?, wait: Double) {
        let (configuration, clock) = (self.configuration, self.clock)
        let (pacer, slot, wait) = try await store.transaction { session in
            let now = clock.now()
            var pacer = try await session.lockRequestPacer(
                account: account, endpointClass: endpointClass, initial: configuration.initialPacer(endpointClass), now: now)
            let slot = pacer.reserve(now: now, margin: configuration.margin, maxWait: maxWait)
            if slot != nil { try await session.saveRequestPacer(account: account, endpointClass: endpointClass, pacer, now: now) }
            return (pacer, slot, slot.map { $0.timeIntervalSince(now) } ?? pacer.wait(now: now))
        }
        remember(account, endpointClass, pacer.perMinute)
        return (slot, wait)
    }

    public func observe(_ key: RequestBudgetKey, _ observation: RateLimitObservation) async {
        guard !observation.isEmpty else { return }
        let throttled = observation.throttledClasses(of: key)
        for endpointClass in observation.classes(of: key) {
            let known = self.known.withLock { $0[Self.name(key.account, endpointClass)] }
            guard observation.matters(for: endpointClass, knownLimit: known, isThrottledClass: throttled.contains(endpointClass)) else { continue }
            do {
                let (configuration, clock) = (self.configuration, self.clock)
                let pacer = try await store.transaction { session in
                    let now = clock.now()
                    var pacer = try await session.lockRequestPacer(
                        account: key.account, endpointClass: endpointClass, initial: configuration.initialPacer(endpointClass), now: now)
                    pacer.follow(observation, as: endpointClass, throttled: throttled.contains(endpointClass), now: now)
                    try await session.saveRequestPacer(account: key.account, endpointClass: endpointClass, pacer, now: now)
                    return pacer
                }
                remember(key.account, endpointClass, pacer.perMinute)
            } catch {
                // The answer is already the caller's; a budget that could not learn from it keeps its last state.
                logger.warning(
                    "could not record the provider's rate limit",
                    metadata: ["integrated_account_id": "\(key.account.lowercased)", "endpoint_class": "\(endpointClass)", "error": "\(error)"])
            }
        }
    }

    public func pacer(account: UUID, endpointClass: EndpointClass) async -> RequestPacer? {
        try? await store.transaction { try await $0.requestPacer(account: account, endpointClass: endpointClass) }
    }

    private func remember(_ account: UUID, _ endpointClass: EndpointClass, _ perMinute: Double?) {
        known.withLock { $0[Self.name(account, endpointClass)] = perMinute }
    }

    private static func name(_ account: UUID, _ endpointClass: EndpointClass) -> String { "\(account.lowercased) \(endpointClass.rawValue)" }
}

extension Store {
    /// The request budget for processes on this store: shared through the database on PostgreSQL (several processes
    /// may run on one account), in the process on SQLite (one process owns the database).
    public func requestBudget(_ configuration: RequestBudgetConfiguration, clock: any WallClock, logger: Logger) -> any RequestBudget {
        driverName == "postgres"
            ? StoreRequestBudget(store: self, configuration: configuration, clock: clock, logger: logger)
            : LocalRequestBudget(configuration, clock: clock)
    }
}
