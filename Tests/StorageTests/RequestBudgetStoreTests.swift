import Foundation
import Storage
import SyncBridgeCore
import SyncBridgeTestSupport
import Testing

/// The request budget kept in the database: budgets of several processes (each with its own connections on
/// PostgreSQL) take slots of one account's bucket without ever taking the same one, and what one learns from the
/// provider the others follow at once.
@Suite struct RequestBudgetStoreTests {
    static let t0 = Date(timeIntervalSince1970: 1_790_000_000)
    static let configuration = RequestBudgetConfiguration(perMinute: [.general: 120, .incrementalExports: 10], margin: 0)

    /// Budgets over `count` stores on one database (one store on SQLite, whose file has one owner), on one clock.
    func withBudgets<R: Sendable>(
        _ kind: StoreKind, count: Int, clock: ManualClock, _ body: @Sendable ([StoreRequestBudget]) async throws -> R
    ) async throws -> R {
        let location = try await TestStores.newLocation(kind)
        var stores: [any Store] = []
        for _ in 0..<(kind == .postgres ? count : 1) { stores.append(try await location.open()) }
        let budgets = (0..<count).map {
            StoreRequestBudget(store: stores[$0 % stores.count], configuration: Self.configuration, clock: clock, logger: TestStores.logger)
        }
        do {
            let result = try await body(budgets)
            for store in stores { try await store.close() }
            return result
        } catch {
            for store in stores { try? await store.close() }
            throw error
        }
    }

    @Test(arguments: StoreKind.available)
    func racingProcessesNeverTakeTheSameSlot(kind: StoreKind) async throws {
        let clock = ManualClock(Self.t0)
        let account = UUID()
        let slots = try await withBudgets(kind, count: 3, clock: clock) { budgets in
            try await withThrowingTaskGroup(of: [Date].self) { group in
                for budget in budgets {
                    for _ in 0..<3 {
                        group.addTask {
                            var mine: [Date] = []
                            for _ in 0..<10 {
                                let (slot, _) = try await budget.reserve(account: account, endpointClass: .general, maxWait: nil)
                                mine.append(try #require(slot))
                            }
                            return mine
                        }
                    }
                }
                var all: [Date] = []
                for try await some in group { all += some }
                return all
            }
        }
        // 90 reservations at once at 120 a minute: exactly the slots 0, 0.5, 1, … 44.5 s from now, each once.
        let offsets = slots.map { $0.timeIntervalSince(Self.t0) }.sorted()
        #expect(offsets == (0..<90).map { Double($0) / 2 }, "\(offsets)")
    }

    @Test(arguments: StoreKind.available)
    func whatOneProcessLearnsTheOthersFollow(kind: StoreKind) async throws {
        let clock = ManualClock(Self.t0)
        let account = UUID()
        try await withBudgets(kind, count: 2, clock: clock) { budgets in
            let (a, b) = (budgets[0], budgets[1])
            let key = RequestBudgetKey(account: account)
            #expect(try await a.reserve(account: account, endpointClass: .general, maxWait: nil).slot == Self.t0)
            // The provider says the plan allows 60 a minute: b spaces its requests a second apart from then on.
            await a.observe(key, RateLimitObservation(readings: [.general: .init(limit: 60, remaining: 58, resetSeconds: 40)]))
            #expect(await b.pacer(account: account, endpointClass: .general)?.perMinute == 60)
            let first = try await b.reserve(account: account, endpointClass: .general, maxWait: nil).slot
            let second = try await b.reserve(account: account, endpointClass: .general, maxWait: nil).slot
            #expect(first == Self.t0.addingTimeInterval(0.5), "the slot taken at 120 a minute still holds")
            #expect(second == Self.t0.addingTimeInterval(1.5))
            // A 429 on an export seen by b blocks exports for a, but not the account's other requests.
            let export = RequestBudgetKey(account: account, classes: [.incrementalExports])
            await b.observe(
                export,
                RateLimitObservation(readings: [.general: .init(limit: 60, remaining: 40, resetSeconds: 30)], throttled: true, retryAfter: 30))
            let blocked = try await a.reserve(account: account, endpointClass: .incrementalExports, maxWait: 5)
            #expect(blocked.slot == nil && blocked.wait == 30, "the export waits out Retry-After, or is refused when it may not wait")
            #expect(try await a.reserve(account: account, endpointClass: .general, maxWait: 5).slot == Self.t0.addingTimeInterval(2.5))
            // Another account's budget is its own.
            #expect(try await a.reserve(account: UUID(), endpointClass: .general, maxWait: nil).slot == Self.t0)
        }
    }

    @Test(arguments: StoreKind.available)
    func aBudgetOutlivesTheProcessThatLearnedIt(kind: StoreKind) async throws {
        let clock = ManualClock(Self.t0)
        let account = UUID()
        let location = try await TestStores.newLocation(kind)
        let first = try await location.open()
        let budget = StoreRequestBudget(store: first, configuration: Self.configuration, clock: clock, logger: TestStores.logger)
        await budget.observe(RequestBudgetKey(account: account), RateLimitObservation(readings: [.general: .init(limit: 200)]))
        try await first.close()
        let second = try await location.open()
        let restarted = StoreRequestBudget(store: second, configuration: Self.configuration, clock: clock, logger: TestStores.logger)
        let pacer = await restarted.pacer(account: account, endpointClass: .general)
        try await second.close()
        #expect(pacer?.perMinute == 200 && pacer?.learned == true, "a restarted process starts from the learned limit, not the configured one")
    }
}
