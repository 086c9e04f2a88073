import Foundation
import Storage
import SyncBridgeCore
import SyncBridgeTestSupport
import Testing

/// Claimers racing for runs, each with its own connections, as separate worker processes would: every run is taken
/// exactly once, and of two runs of one job on one account only one is leased at a time.
@Suite struct ClaimRaceTests {
    static let now = Date(timeIntervalSince1970: 1_790_000_000)

    @Test(arguments: StoreKind.available)
    func racingClaimersTakeEachRunOnce(kind: StoreKind) async throws {
        let location = try await TestStores.newLocation(kind)
        let setup = try await location.open()
        let env = Environment(name: "default", createdAt: Self.now)
        try await setup.transaction { try await $0.insertEnvironment(env) }
        // 40 runs of distinct job/account pairs; the first 10 pairs get a second, later run (runs 40–49).
        var runs: [SyncJobRun] = []
        for i in 0..<50 {
            let pair = i < 40 ? (UUID(), UUID()) : (runs[i - 40].settings.syncJobId, runs[i - 40].settings.integratedAccountId)
            let settings = RunSettings(syncJobId: pair.0, integratedAccountId: pair.1, webhookId: UUID())
            runs.append(SyncJobRun(environmentId: env.id, settings: settings, createdAt: Self.now.addingTimeInterval(Double(i)), updatedAt: Self.now))
        }
        try await setup.transaction { s in for run in runs { try await s.insert(run) } }
        try await setup.close()

        // SQLite: one file, one owner process; its stores serialize writes. PostgreSQL: four pools.
        let claimers = kind == .postgres ? 4 : 1
        var stores: [any Store] = []
        for _ in 0..<claimers { stores.append(try await location.open()) }
        let far = Self.now.addingTimeInterval(86_400)
        let claimed = try await withThrowingTaskGroup(of: [UUID].self) { group in
            for (n, store) in stores.enumerated() {
                for lane in 0..<4 {
                    group.addTask {
                        var mine: [UUID] = []
                        while let run = try await store.transaction({ try await $0.claimRun(owner: "c\(n).\(lane)", now: Self.now, leaseUntil: far) })
                        {
                            mine.append(run.run.id)
                        }
                        return mine
                    }
                }
            }
            var all: [UUID] = []
            for try await ids in group { all += ids }
            return all
        }
        for store in stores { try await store.close() }
        #expect(claimed.count == Set(claimed).count, "no run was claimed twice")
        let expected = Set(runs.prefix(40).map(\.id))
        let unexpected = Set(claimed).subtracting(expected).count
        let missing = expected.subtracting(claimed).count
        #expect(
            unexpected == 0 && missing == 0,
            "one run per pair, the older: \(missing) missing, \(unexpected) held back by a sibling's lease yet claimed")
    }

    /// Racing claimers with a bound of 3 runs per environment: each environment gets exactly 3 leases, however many
    /// runs it has waiting and however many claimers race, and a lease that lapses frees its slot.
    @Test(arguments: StoreKind.available)
    func racingClaimersKeepTheBoundPerEnvironment(kind: StoreKind) async throws {
        let location = try await TestStores.newLocation(kind)
        let setup = try await location.open()
        let busy = Environment(name: "busy", createdAt: Self.now)
        let quiet = Environment(name: "quiet", createdAt: Self.now)
        var runs: [SyncJobRun] = []
        // The busy environment's 30 runs are all older than the quiet one's 5.
        for i in 0..<35 {
            let settings = RunSettings(syncJobId: UUID(), integratedAccountId: UUID(), webhookId: UUID())
            runs.append(
                SyncJobRun(
                    environmentId: i < 30 ? busy.id : quiet.id, settings: settings, createdAt: Self.now.addingTimeInterval(Double(i)),
                    updatedAt: Self.now))
        }
        try await setup.transaction { s in
            try await s.insertEnvironment(busy)
            try await s.insertEnvironment(quiet)
            for run in runs { try await s.insert(run) }
        }
        try await setup.close()

        let claimers = kind == .postgres ? 4 : 1
        var stores: [any Store] = []
        for _ in 0..<claimers { stores.append(try await location.open()) }
        let lease = Self.now.addingTimeInterval(60)
        func race(at now: Date) async throws -> [SyncJobRun] {
            try await withThrowingTaskGroup(of: [SyncJobRun].self) { group in
                for (n, store) in stores.enumerated() {
                    for lane in 0..<4 {
                        group.addTask {
                            var mine: [SyncJobRun] = []
                            // A claimer that loses a lock race gets nil once; a few more tries make the race real.
                            for _ in 0..<5 {
                                if let run = try await store.transaction({
                                    try await $0.claimRun(owner: "c\(n).\(lane)", now: now, leaseUntil: now.addingTimeInterval(60), perEnvironment: 3)
                                }) {
                                    mine.append(run.run)
                                }
                            }
                            return mine
                        }
                    }
                }
                var all: [SyncJobRun] = []
                for try await got in group { all += got }
                return all
            }
        }
        let first = try await race(at: Self.now)
        #expect(first.filter { $0.environmentId == busy.id }.count == 3)
        #expect(first.filter { $0.environmentId == quiet.id }.count == 3, "the quiet environment's runs start although the busy one's are older")
        if kind == .sqlite {
            // (On PostgreSQL, claimers skip rows another has locked, so racing claimers may take a slightly younger run.)
            #expect(Set(first.filter { $0.environmentId == busy.id }.map(\.id)) == Set(runs.prefix(3).map(\.id)), "the oldest first")
        }
        // Once those leases lapse (their processes died), the slots are free again: three of each, no more.
        let later = try await race(at: lease.addingTimeInterval(1))
        #expect(later.filter { $0.environmentId == busy.id }.count == 3)
        #expect(later.filter { $0.environmentId == quiet.id }.count == 3)
        for store in stores { try await store.close() }
    }

    /// A parked run gives up its lease and is claimed again only when its next attempt is due; until then it still
    /// holds back a later run of the same job on the same account.
    @Test(arguments: StoreKind.available)
    func parkedRunsAreClaimedWhenDueAndHoldBackTheirSiblings(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let env = Environment(name: "default", createdAt: Self.now)
            try await store.transaction { try await $0.insertEnvironment(env) }
            let settings = RunSettings(syncJobId: UUID(), integratedAccountId: UUID(), webhookId: UUID())
            let first = SyncJobRun(environmentId: env.id, settings: settings, createdAt: Self.now, updatedAt: Self.now)
            let later = SyncJobRun(environmentId: env.id, settings: settings, createdAt: Self.now.addingTimeInterval(1), updatedAt: Self.now)
            try await store.transaction { s in
                try await s.insert(first)
                try await s.insert(later)
            }
            let far = Self.now.addingTimeInterval(86_400)
            let claimed = try await store.transaction { try await $0.claimRun(owner: "w", now: Self.now, leaseUntil: far) }
            #expect(claimed?.run.id == first.id)
            var parked = first
            parked.status = .waitingForWebhook
            parked.nextAttemptAt = Self.now.addingTimeInterval(3600)
            let outcome = try await store.transaction {
                try await $0.saveProgress(parked, checkpoint: ["previous_run_date": "x"], owner: "w", leaseUntil: nil)
            }
            #expect(outcome == .saved)
            let early = Self.now.addingTimeInterval(3599)
            #expect(
                try await store.transaction { try await $0.claimRun(owner: "v", now: early, leaseUntil: far) } == nil,
                "not due, and its sibling waits behind it")
            let due = try await store.transaction { try await $0.claimRun(owner: "v", now: Self.now.addingTimeInterval(3600), leaseUntil: far) }
            #expect(due?.run.id == first.id)
            #expect(due?.run.status == .waitingForWebhook)
            #expect(due?.run.nextAttemptAt == parked.nextAttemptAt)
        }
    }
}
