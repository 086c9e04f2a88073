import Foundation
import SyncBridgeCore

/// A request rate: `perMinute` on average, with bursts of up to `burst` requests.
public struct RequestBudget: Sendable, Equatable {
    public var perMinute: Double
    public var burst: Double

    public init(perMinute: Double, burst: Double) {
        self.perMinute = perMinute
        self.burst = max(1, burst)
    }
}

/// One token bucket per integrated account, shared by every run this process executes on that account. A request
/// takes a token; when none is left it waits its turn (reservations are first come, first served). Over any window
/// of `t` seconds an account gets at most `burst + perMinute × t / 60` requests.
public actor AccountRequestBudget {
    public let budget: RequestBudget
    /// Refills and waits are measured on it (the engine's clock).
    let clock: any WallClock
    private var buckets: [UUID: (tokens: Double, at: Date)] = [:]

    /// Creates empty buckets; each account starts with a full burst.
    public init(_ budget: RequestBudget, clock: any WallClock = SystemWallClock()) {
        self.budget = budget
        self.clock = clock
    }

    /// Waits until the account may make one more request.
    public nonisolated func acquire(_ account: UUID) async throws {
        let wait = await reserve(account)
        if wait > 0 { try await clock.sleep(for: .seconds(wait)) }
    }

    /// Takes a token (possibly one not refilled yet); returns how long to wait, in seconds, before using it.
    public func reserve(_ account: UUID) -> Double {
        let now = clock.now()
        let rate = budget.perMinute / 60
        var (tokens, at) = buckets[account] ?? (budget.burst, now)
        tokens = min(budget.burst, tokens + max(0, now.timeIntervalSince(at)) * rate)
        tokens -= 1
        buckets[account] = (tokens, now)
        return tokens >= 0 ? 0 : -tokens / rate
    }
}
