import Foundation
import NIOHTTP1
import SyncBridgeCore
import SyncBridgeTestSupport
import Testing

@Suite struct CronTriggerAPITests {
    @Test(arguments: StoreKind.available)
    func seedTriggerGetsItsNextFireTime(kind: StoreKind) async throws {
        try await withAPI(kind) { api in
            let ids = try await Fixtures.basics(api)
            let r = try await api.request(.POST, "/sync-job-cron-trigger", json: Fixtures.runBody(ids, extra: ["cron_expression": "0 */6 * * *"]))
            #expect(r.status == 201)
            #expect(r.json["cron_expression"] == "0 */6 * * *")
            #expect(r.json["status"] == "active")
            let next = try #require(r.string("next_fire_at").flatMap(Timestamp.parse))
            let hour = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: next).hour!
            #expect(hour % 6 == 0)
            #expect(next > Date() && next <= Date().addingTimeInterval(6 * 3600))
            let id = r.string("id")!
            let patched = try await api.request(
                .PATCH, "/sync-job-cron-trigger/\(id)", json: ["cron_expression": "@daily", "timezone": "Europe/Berlin"])
            #expect(patched.status == 200)
            #expect(patched.json["timezone"] == "Europe/Berlin")
            let daily = try #require(patched.string("next_fire_at").flatMap(Timestamp.parse))
            let local = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "Europe/Berlin")!, from: daily)
            #expect(local.hour == 0 && local.minute == 0)
            let scheduled = try await api.request(.POST, "/sync-job-cron-trigger/\(id)/schedule")
            #expect(scheduled.status == 200)
            #expect(scheduled.json["next_fire_at"] == patched.json["next_fire_at"])
            #expect(try await api.request(.GET, "/sync-job-cron-trigger?sync_job_id=\(ids.job)").json["result"]?.arrayValue?.count == 1)
            #expect(try await api.request(.DELETE, "/sync-job-cron-trigger/\(id)").json == ["id": .string(id)])
            #expect(try await api.request(.POST, "/sync-job-cron-trigger/\(id)/schedule").status == 404)
        }
    }

    /// Every run setting a create accepts can be changed by PATCH, validated as a create validates it; the members
    /// not given keep their values.
    @Test(arguments: StoreKind.available)
    func patchChangesEveryRunSetting(kind: StoreKind) async throws {
        try await withAPI(kind) { api in
            let ids = try await Fixtures.basics(api)
            let r = try await api.request(
                .POST, "/sync-job-cron-trigger", json: Fixtures.runBody(ids, extra: ["cron_expression": "@hourly", "args": ["a": 1]]))
            let id = try #require(r.string("id"))
            let destination: JSONValue = ["type": "zendesk_ticket_import", "integrated_account_id": .string(ids.account), "buffer_size": 50]
            let patched = try await api.request(.PATCH, "/sync-job-cron-trigger/\(id)", json: ["polling_period": 30, "destination": destination])
            #expect(patched.status == 200, "\(patched.json.jsonString())")
            let stored = try await api.request(.GET, "/sync-job-cron-trigger/\(id)").json
            #expect(stored["polling_period"] == 30)
            #expect(stored["destination"]?["type"] == "zendesk_ticket_import")
            #expect(stored["destination"]?["buffer_size"] == 50)
            #expect(stored["args"] == ["a": 1], "members not given keep their values")
            #expect(stored["cron_expression"] == "@hourly")

            let bad = try await api.request(.PATCH, "/sync-job-cron-trigger/\(id)", json: ["polling_period": 0.001, "mode": "sometimes"])
            #expect(bad.status == 422)
            #expect(Set(Fixtures.failures(bad).keys) == ["polling_period", "mode"])
            #expect(try await api.request(.GET, "/sync-job-cron-trigger/\(id)").json["polling_period"] == 30, "a refused change changes nothing")

            let cleared = try await api.request(.PATCH, "/sync-job-cron-trigger/\(id)", json: ["destination": .null, "mode": "batch"])
            #expect(cleared.status == 200)
            #expect(try await api.request(.GET, "/sync-job-cron-trigger/\(id)").json["destination"] == .null)
        }
    }

    @Test(arguments: StoreKind.available)
    func cronSyntaxAndTimezoneAreValidated(kind: StoreKind) async throws {
        try await withAPI(kind) { api in
            let ids = try await Fixtures.basics(api)
            let r = try await api.request(
                .POST, "/sync-job-cron-trigger", json: Fixtures.runBody(ids, extra: ["cron_expression": "0 */6 * 13 *", "timezone": "Mars/Olympus"]))
            #expect(r.status == 422)
            #expect(
                Fixtures.failures(r) == [
                    "cron_expression": "month: 13 is out of range 1-12", "timezone": "'Mars/Olympus' is not an IANA time zone name",
                ])
            let missing = try await api.request(.POST, "/sync-job-cron-trigger", json: Fixtures.runBody(ids))
            #expect(Fixtures.failures(missing) == ["cron_expression": "is required"])
            let id = try await api.request(.POST, "/sync-job-cron-trigger", json: Fixtures.runBody(ids, extra: ["cron_expression": "@hourly"]))
                .string("id")!
            let bad = try await api.request(.PATCH, "/sync-job-cron-trigger/\(id)", json: ["cron_expression": "* * *"])
            #expect(Fixtures.failures(bad) == ["cron_expression": "expected 5 fields (minute hour day-of-month month day-of-week), got 3"])
            #expect(try await api.request(.GET, "/sync-job-cron-trigger/\(id)").json["cron_expression"] == "@hourly")
        }
    }
}
