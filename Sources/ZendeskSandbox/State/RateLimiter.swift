/// Zendesk's per-minute request budgets: one for the account, a lower one for incremental exports.
struct RateLimiter: Sendable {
    var window: Int64 = 0
    var used = 0
    var incrementalUsed = 0

    /// Counts a request made at `now`; returns the seconds to wait when over budget.
    mutating func admit(now: Int64, incremental: Bool, limit: Int, incrementalLimit: Int, window length: Int64 = 60) -> (
        retryAfter: Int?, remaining: Int
    ) {
        let current = now / length
        if current != window {
            window = current
            used = 0
            incrementalUsed = 0
        }
        let retry = Int(max(1, (current + 1) * length - now))
        if limit > 0 && used >= limit { return (retry, 0) }
        if incremental && incrementalLimit > 0 && incrementalUsed >= incrementalLimit { return (retry, 0) }
        used += 1
        if incremental { incrementalUsed += 1 }
        return (nil, limit > 0 ? limit - used : 1_000_000)
    }

    /// Seconds until the window resets.
    func reset(now: Int64, window length: Int64 = 60) -> Int { Int((now / length + 1) * length - now) }
}

/// Faults queued by tests through the admin API: the next N matching requests (after the first `skip`) fail with a
/// given status.
struct FaultQueue: Sendable {
    struct Fault: Sendable {
        var status: Int
        var remaining: Int
        /// Only requests whose path contains this fail (nil = any request).
        var pathContains: String?
        /// Seconds for `Retry-After` (429 and 503).
        var retryAfter: Int
        /// Answer 200 with a truncated JSON body instead of an error status.
        var malformed: Bool
        /// Drop the connection: headers go out, then the connection closes in the middle of the body.
        var drop = false
        /// Matching requests still to let through before the fault starts (to hit, say, the second page).
        var skip = 0
    }

    var faults: [Fault] = []

    /// The fault for this request, if one is queued for it.
    mutating func take(path: String) -> Fault? {
        guard let i = faults.firstIndex(where: { $0.remaining > 0 && ($0.pathContains.map { path.contains($0) } ?? true) }) else { return nil }
        if faults[i].skip > 0 {
            faults[i].skip -= 1
            return nil
        }
        faults[i].remaining -= 1
        let fault = faults[i]
        if faults[i].remaining == 0 { faults.remove(at: i) }
        return fault
    }
}
