import Foundation
import Testing

/// Runs blocking or long CPU-bound work on a thread of its own and awaits the result.
///
/// The cooperative thread pool has one thread per core (two on CI). A test that blocks one of them — waiting for a
/// child process, or running a whole conformance suite synchronously — stalls every in-process sandbox, receiver and
/// engine of the tests running beside it, which then miss their deadlines. Such work belongs here.
public func offPool<T: Sendable>(stackSize: Int? = nil, _ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try work() }) }
        if let stackSize { thread.stackSize = stackSize }
        thread.start()
    }
}

/// As above, for work that cannot throw.
public func offPool<T: Sendable>(stackSize: Int? = nil, _ work: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        let thread = Thread { continuation.resume(returning: work()) }
        if let stackSize { thread.stackSize = stackSize }
        thread.start()
    }
}

/// Polls `condition` every 20 ms until it holds; after `TestPatience.long` records an issue and ends the test.
public func waitUntil(_ condition: () -> Bool) async throws {
    let deadline = ContinuousClock.now + TestPatience.long
    while !condition() {
        guard ContinuousClock.now < deadline else {
            Issue.record("condition not met within \(TestPatience.long)")
            throw CancellationError()
        }
        try await Task.sleep(for: .milliseconds(20))
    }
}

/// Waits (up to ``TestPatience/long``) until an asynchronous condition holds — one that asks a process, say.
public func waitUntilAsync(_ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + TestPatience.long
    while try await !condition() {
        guard ContinuousClock.now < deadline else {
            Issue.record("condition not met within \(TestPatience.long)")
            throw CancellationError()
        }
        try await Task.sleep(for: .milliseconds(20))
    }
}

/// How long tests wait for something that should happen soon. Generous on purpose: a deadline only matters when the
/// behaviour is broken, and a loaded two-core CI machine can be many times slower than a workstation.
public enum TestPatience {
    /// For a run to finish, an event to arrive, a process to take over.
    public static let long: Duration = .seconds(240)
}
