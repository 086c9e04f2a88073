import Cron
import Engine
import Foundation
import NIOHTTP1
import Runs
import SyncBridgeCore
import SyncBridgeTestSupport
import Testing

/// Cron triggers fire on their schedule, once per slot, with one catch-up after downtime and no pile-up while the
/// previous run is still going.
@Suite struct CronSchedulerTests {
    struct Setup {
        let trigger: String
        let nextFire: Date
        let created: Date
    }

    func trigger(_ h: EngineHarness, cron: String = "*/5 * * * *", extra: [String: JSONValue] = [:]) async throws -> Setup {
        let webhook = try await h.webhook()
        let account = try await h.account()
        let job = try await h.job([["resource": "ticketing/tickets", "method": "list"]])
        var body: [String: JSONValue] = [
            "sync_job_id": .string(job), "integrated_account_id": .string(account), "webhook_id": .string(webhook.id),
            "cron_expression": .string(cron),
        ]
        body.merge(extra) { _, new in new }
        let r = try await h.api.request(.POST, "/sync-job-cron-trigger", json: .object(body))
        #expect(r.status == 201, "\(r.json.jsonString())")
        let next = try #require(r.string("next_fire_at").flatMap(Timestamp.parse))
        let created = try #require(r.string("created_at").flatMap(Timestamp.parse))
        return Setup(trigger: try #require(r.string("id")), nextFire: next, created: created)
    }

    func runs(_ h: EngineHarness, _ trigger: String) async throws -> [JSONValue] {
        try await h.api.request(.GET, "/sync-job-run?sync_job_cron_trigger_id=\(trigger)").json["result"]?.arrayValue ?? []
    }

    func fires(_ h: EngineHarness, _ trigger: String) async throws -> [JSONValue] {
        try await h.api.request(.GET, "/sync-job-cron-trigger/\(trigger)/fires").json["result"]?.arrayValue ?? []
    }

    @Test(arguments: StoreKind.available)
    func firesAtTheScheduledTimeOnce(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await withEngine(store: store, tickets: 1, engineRunning: false) { h in
                let t = try await trigger(h)
                let expected = try CronExpression("*/5 * * * *").next(after: t.created, in: TimeZone(identifier: "UTC")!)
                #expect(t.nextFire == expected, "next_fire_at comes from the cron library")
                let clock = ManualClock(t.nextFire.addingTimeInterval(-1))
                let scheduler = CronScheduler(
                    store: store, runs: RunFactory(connectors: Engine.standardConnectors(httpClient: HTTPClientForTests.shared)), clock: clock,
                    logger: TestStores.logger)
                #expect(try await scheduler.tick() == 0, "not due yet")
                clock.set(t.nextFire.addingTimeInterval(0.3))
                #expect(try await scheduler.tick() == 1)
                #expect(try await scheduler.tick() == 0, "a slot fires once")
                let created = try await runs(h, t.trigger)
                #expect(created.count == 1)
                #expect(created.first?["status"] == "created")
                let after = try await h.api.request(.GET, "/sync-job-cron-trigger/\(t.trigger)").json
                #expect(after["last_fired_at"]?.stringValue == Timestamp.format(t.nextFire))
                #expect(after["next_fire_at"]?.stringValue == Timestamp.format(t.nextFire.addingTimeInterval(300)))
                let log = try await fires(h, t.trigger)
                #expect(log.count == 1)
                #expect(log.first?["outcome"] == "fired")
                #expect(log.first?["sync_job_run_id"] == created.first?["id"])
            }
        }
    }

    /// After downtime that missed many slots, one catch-up run, then the schedule goes on from now.
    @Test func missedSlotsCatchUpWithOneRun() async throws {
        try await withEngine(.sqlite, tickets: 1, engineRunning: false) { h in
            let t = try await trigger(h)
            let clock = ManualClock(t.nextFire.addingTimeInterval(47 * 60))
            let scheduler = CronScheduler(
                store: h.store, runs: RunFactory(connectors: Engine.standardConnectors(httpClient: HTTPClientForTests.shared)), clock: clock,
                logger: TestStores.logger)
            #expect(try await scheduler.tick() == 1)
            #expect(try await scheduler.tick() == 0)
            #expect(try await runs(h, t.trigger).count == 1)
            let after = try await h.api.request(.GET, "/sync-job-cron-trigger/\(t.trigger)").json
            let next = try #require(try CronExpression("*/5 * * * *").next(after: clock.now(), in: TimeZone(identifier: "UTC")!))
            #expect(after["next_fire_at"]?.stringValue == Timestamp.format(next))
        }
    }

    /// While the trigger's previous run has not finished, a fire is recorded as skipped (overlap `skip`, the default)
    /// or queues another run (overlap `queue`).
    @Test func overlappingFiresAreSkippedOrQueued() async throws {
        try await withEngine(.sqlite, tickets: 1, engineRunning: false) { h in
            let skip = try await trigger(h)
            let queue = try await trigger(h, extra: ["overlap": "queue"])
            let clock = ManualClock(skip.nextFire.addingTimeInterval(0.1))
            let scheduler = CronScheduler(
                store: h.store, runs: RunFactory(connectors: Engine.standardConnectors(httpClient: HTTPClientForTests.shared)), clock: clock,
                logger: TestStores.logger)
            #expect(try await scheduler.tick() == 2)
            clock.advance(by: 300)
            let second = try await scheduler.tick()
            let queued = try await fires(h, queue.trigger).map { $0.jsonString() }
            #expect(second == 2, "skip: \(skip.nextFire), queue: \(queue.nextFire), clock: \(clock.now()); queue's fires: \(queued)")
            #expect(try await runs(h, skip.trigger).count == 1, "no engine runs here, so the first run is still queued")
            #expect(try await runs(h, queue.trigger).count == 2, "queue's fires: \(queued)")
            let log = try await fires(h, skip.trigger)
            #expect(log.map { $0["outcome"]?.stringValue } == ["skipped", "fired"])
            #expect(log.first?["reason"] == "the previous run of this trigger is still running")
        }
    }

    /// Two schedulers on one database: each slot still fires once.
    @Test(arguments: StoreKind.available)
    func twoSchedulersFireEachSlotOnce(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await withEngine(store: store, tickets: 1, engineRunning: false) { h in
                var triggers: [Setup] = []
                for _ in 0..<5 { triggers.append(try await trigger(h, cron: "* * * * *")) }
                let clock = ManualClock(triggers.map(\.nextFire).max()!.addingTimeInterval(0.5))
                let a = CronScheduler(
                    store: store, runs: RunFactory(connectors: Engine.standardConnectors(httpClient: HTTPClientForTests.shared)), clock: clock,
                    logger: TestStores.logger)
                let b = CronScheduler(
                    store: store, runs: RunFactory(connectors: Engine.standardConnectors(httpClient: HTTPClientForTests.shared)), clock: clock,
                    logger: TestStores.logger)
                async let fa = a.tick()
                async let fb = b.tick()
                let total = try await fa + fb
                #expect(total == 5)
                for t in triggers { #expect(try await runs(h, t.trigger).count == 1) }
            }
        }
    }

    /// The running service fires by itself (the loop, not just `tick`).
    @Test func serviceFiresWhenTheClockReachesTheSlot() async throws {
        try await withEngine(.sqlite, tickets: 1, engineRunning: false) { h in
            let t = try await trigger(h)
            let clock = ManualClock(t.nextFire.addingTimeInterval(-10))
            let scheduler = CronScheduler(
                store: h.store, runs: RunFactory(connectors: Engine.standardConnectors(httpClient: HTTPClientForTests.shared)), clock: clock,
                pollInterval: .milliseconds(20), logger: TestStores.logger)
            try await whileServing({ (ready: @Sendable @escaping (Bool) -> Void) in
                ready(true)
                try await scheduler.run()
            }) { _ in
                try await Task.sleep(for: .milliseconds(100))
                #expect(try await runs(h, t.trigger).isEmpty)
                clock.set(t.nextFire.addingTimeInterval(0.01))
                let deadline = ContinuousClock.now + TestPatience.long
                while try await runs(h, t.trigger).isEmpty, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
                #expect(try await runs(h, t.trigger).count == 1)
            }
        }
    }
}
