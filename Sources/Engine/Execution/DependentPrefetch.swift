import Connectors

/// The bookkeeping of dependent requests made ahead of the walk: up to `limit` first-page requests of the dependents
/// the walk will enter next (``RunWalker/upcomingDependentFetches(limit:)``) are in flight at once, and each answer
/// waits until the walk asks for that request. Only the first attempt is early, as with ``PageAhead``: the answer is
/// handled in walk order (a failure retries or is reported where the sequential walk would meet it, a rate limit
/// sends `rate_limited` there), so deliveries, events and checkpoints are exactly those of a walk with one request at
/// a time. At most `limit` attempts are running or hold an answer in memory.
///
/// A value with no I/O: the executor starts the attempts ``plan(_:waits:)`` returns, reports each answer with
/// ``finished(_:_:)`` and asks for the one the walk wants with ``take(_:waits:)``.
struct DependentPrefetch: Sendable {
    /// One attempt to start.
    struct Launch: Sendable {
        let serial: Int
        let request: ConnectorRequest
    }

    /// What was made ahead for a request the walk makes now.
    enum Taken: Sendable {
        /// Nothing: the walk makes the request itself.
        case none
        /// The answer of the attempt made ahead.
        case ready(Result<ConnectorPage, ConnectorError>)
        /// The attempt is still running: wait for the answer with this serial, then ask again.
        case pending(Int)
    }

    private struct Attempt: Sendable {
        let serial: Int
        /// Rate-limit waits the walk had been through when the attempt started.
        let waits: Int
        var answer: Result<ConnectorPage, ConnectorError>?
    }

    /// Attempts running or holding an answer, at most.
    let limit: Int
    private var nextSerial = 0
    /// Requests made ahead and not taken yet.
    private var tracked: [ConnectorRequest: Attempt] = [:]
    /// Attempts started and not answered yet, tracked or not (a dropped one still holds a connection).
    private var running: Set<Int> = []

    /// `limit` of 1 or less makes nothing ahead: the walk asks one request at a time.
    init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// Nothing is tracked: no request the walk makes was made ahead.
    var isEmpty: Bool { tracked.isEmpty }

    /// Attempts running or holding an answer in memory.
    var occupied: Int { running.count + tracked.values.filter { $0.answer != nil }.count }

    /// The attempts to start for the requests the walk makes next (in walk order), while fewer than `limit` are
    /// occupied. Attempts for requests the walk no longer makes (it moved on after a failure) are dropped.
    mutating func plan(_ upcoming: [ConnectorRequest], waits: Int) -> [Launch] {
        guard limit > 1 else { return [] }
        let wanted = Set(upcoming)
        tracked = tracked.filter { wanted.contains($0.key) }
        var launches: [Launch] = []
        for request in upcoming where tracked[request] == nil && occupied < limit {
            let serial = nextSerial
            nextSerial += 1
            tracked[request] = Attempt(serial: serial, waits: waits)
            running.insert(serial)
            launches.append(Launch(serial: serial, request: request))
        }
        return launches
    }

    /// An attempt answered.
    mutating func finished(_ serial: Int, _ outcome: Result<ConnectorPage, ConnectorError>) {
        running.remove(serial)
        if let request = tracked.first(where: { $0.value.serial == serial })?.key { tracked[request]?.answer = outcome }
    }

    /// What was made ahead for `request`, which the walk makes now. A ready answer is no longer tracked. A throttled
    /// answer from before the walk's latest rate-limit wait counts as not made: the walk asks again.
    mutating func take(_ request: ConnectorRequest, waits: Int) -> Taken {
        guard let attempt = tracked[request] else { return .none }
        guard let answer = attempt.answer else { return .pending(attempt.serial) }
        tracked[request] = nil
        if case .failure(let error) = answer, error.code == .rateLimited, attempt.waits < waits { return .none }
        return .ready(answer)
    }
}
