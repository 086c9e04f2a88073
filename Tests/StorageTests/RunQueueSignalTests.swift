import Foundation
import Storage
import SyncBridgeCore
import SyncBridgeTestSupport
import Testing

/// The run-queue signal: a committed transaction that creates a run wakes this process's engine at once.
@Suite struct RunQueueSignalTests {
    /// Runs `wait` against a watchdog of `TestPatience.long`; true when `wait` returned first.
    static func returnsBeforeTheWatchdog(_ wait: @Sendable @escaping () async -> Void) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await wait()
                return true
            }
            group.addTask {
                try? await Task.sleep(for: TestPatience.long)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }

    /// A signal wakes a waiter whose timeout is an hour away; a signal given before the wait began (after the
    /// generation it names) is not lost.
    @Test func signalsWakeWaitersAndAreNotLost() async throws {
        let signal = RunQueueSignal()
        let before = signal.generation
        let woken = Task { await Self.returnsBeforeTheWatchdog { await signal.wait(after: before, upTo: .seconds(3600)) } }
        try await Task.sleep(for: .milliseconds(50))
        signal.signal()
        #expect(await woken.value)
        #expect(signal.generation == before + 1)
        // Signalled already: a wait naming the older generation returns at once.
        #expect(await Self.returnsBeforeTheWatchdog { await signal.wait(after: before, upTo: .seconds(3600)) })
        // Cancellation ends a wait too.
        #expect(
            await Self.returnsBeforeTheWatchdog {
                let waiting = Task { await signal.wait(after: signal.generation, upTo: .seconds(3600)) }
                waiting.cancel()
                await waiting.value
            }
        )
    }

    /// Only a committed transaction that writes a claimable run signals; other writes and rolled-back runs do not.
    @Test(arguments: StoreKind.available)
    func committedRunsSignal(kind: StoreKind) async throws {
        struct Boom: Error {}
        try await withStore(kind) { store in
            let env = Environment(name: "default", createdAt: Date())
            try await store.transaction { try await $0.insertEnvironment(env) }
            let start = store.runQueue.generation
            let settings = RunSettings(syncJobId: UUID(), integratedAccountId: UUID(), webhookId: UUID())
            let hook = Webhook(
                environmentId: env.id, targetURL: "http://127.0.0.1:1/", isActive: true, eventTypes: [], secret: "whsec_c2VjcmV0", createdAt: Date(),
                updatedAt: Date())
            try await store.transaction { try await $0.insert(hook) }
            #expect(store.runQueue.generation == start)
            _ = try? await store.transaction { session -> Void in
                try await session.insert(SyncJobRun(environmentId: env.id, settings: settings, createdAt: Date(), updatedAt: Date()))
                throw Boom()
            }
            #expect(store.runQueue.generation == start, "a rolled-back run wakes nobody")
            var run = SyncJobRun(environmentId: env.id, settings: settings, createdAt: Date(), updatedAt: Date())
            try await store.transaction { try await $0.insert(run) }
            #expect(store.runQueue.generation == start + 1)
            run.status = .completed
            try await store.transaction { try await $0.update(run) }
            #expect(store.runQueue.generation == start + 1, "a finished run is nothing to claim")
        }
    }
}
