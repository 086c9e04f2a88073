import Foundation

/// One holder at a time per key, first come first served: the in-process half of "one token refresh per account at
/// a time" (the only half needed on SQLite, where one process owns the database). Every ``Store`` carries one, so
/// the API and the engine of one process, which share the store, share it too.
public actor KeyedLock {
    private var held: Set<UUID> = []
    private var waiters: [UUID: [CheckedContinuation<Void, Never>]] = [:]

    public init() {}

    /// Waits for the key, then holds it.
    public func lock(_ key: UUID) async {
        if held.insert(key).inserted { return }
        await withCheckedContinuation { waiters[key, default: []].append($0) }
    }

    /// Gives the key to the next waiter, or frees it.
    public func unlock(_ key: UUID) {
        if var queue = waiters[key], !queue.isEmpty {
            let next = queue.removeFirst()
            waiters[key] = queue.isEmpty ? nil : queue
            next.resume()
        } else {
            held.remove(key)
        }
    }

    /// Runs `body` holding the key's lock.
    public nonisolated func withLock<R: Sendable, E: Error>(_ key: UUID, _ body: () async throws(E) -> R) async throws(E) -> R {
        await lock(key)
        do {
            let result = try await body()
            await unlock(key)
            return result
        } catch {
            await unlock(key)
            throw error
        }
    }
}
