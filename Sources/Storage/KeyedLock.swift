import Foundation

/// One holder at a time per key, first come first served: the in-process half of "one token refresh per account at
/// a time" (the only half needed on SQLite, where one process owns the database). Every ``Store`` carries one, so
/// the API and the engine of one process, which share the store, share it too. One ``AsyncMutex`` per key.
public actor KeyedLock {
    private var mutexes: [UUID: AsyncMutex] = [:]

    public init() {}

    func mutex(_ key: UUID) -> AsyncMutex {
        if let mutex = mutexes[key] { return mutex }
        let mutex = AsyncMutex()
        mutexes[key] = mutex
        return mutex
    }

    /// Runs `body` holding the key's lock.
    public nonisolated func withLock<R: Sendable, E: Error>(_ key: UUID, _ body: () async throws(E) -> R) async throws(E) -> R {
        let mutex = await mutex(key)
        await mutex.lock()
        do {
            let result = try await body()
            await mutex.unlock()
            return result
        } catch {
            await mutex.unlock()
            throw error
        }
    }
}
