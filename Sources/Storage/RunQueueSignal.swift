import Synchronization

/// Wakes this process's engine as soon as a transaction that made a run claimable commits, so a run starts at once
/// instead of at the next poll. Other processes (workers on a shared PostgreSQL) still find it by polling.
///
/// Waiters compare generations: a signal that came between a waiter's last look at the queue and its wait is not
/// lost.
public final class RunQueueSignal: Sendable {
    private struct State {
        var generation: UInt64 = 0
        var nextWaiter: UInt64 = 0
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    /// The number of signals so far; pass it to `wait(after:upTo:)`.
    public var generation: UInt64 { state.withLock { $0.generation } }

    /// How many are waiting now (an engine that has looked at the queue and found nothing to claim).
    public var waiting: Int { state.withLock { $0.waiters.count } }

    /// Wakes every waiter.
    public func signal() {
        let waiters = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.generation &+= 1
            defer { s.waiters = [:] }
            return Array(s.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once a signal has come after `generation`, or after `timeout`, or on cancellation.
    public func wait(after generation: UInt64, upTo timeout: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await Task.sleep(for: timeout) }
            group.addTask { await self.next(after: generation) }
            await group.next()
            group.cancelAll()
        }
    }

    private func next(after generation: UInt64) async {
        let id = state.withLock { s -> UInt64 in
            s.nextWaiter &+= 1
            return s.nextWaiter
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let waiting = state.withLock { s -> Bool in
                    guard s.generation == generation, !Task.isCancelled else { return false }
                    s.waiters[id] = continuation
                    return true
                }
                if !waiting { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
        }
    }
}
