import NIOHTTP1
import Storage
import SyncBridgeCore
import SyncBridgeTestSupport
import Testing

/// Everything written through the API survives a restart of the server on the same database.
@Suite struct PersistenceTests {
    @Test(arguments: StoreKind.available)
    func restartKeepsEverything(kind: StoreKind) async throws {
        let location = try await TestStores.newLocation(kind)
        let first = try await location.open()
        let (token, snapshot) = try await withAPI(store: first) { api -> (String, [String: JSONValue]) in
            let ids = try await Fixtures.basics(api)
            let run = try await api.request(.POST, "/sync-job-run", json: Fixtures.runBody(ids))
            let trigger = try await api.request(
                .POST, "/sync-job-cron-trigger", json: Fixtures.runBody(ids, extra: ["cron_expression": "0 */6 * * *"]))
            var snapshot: [String: JSONValue] = [:]
            for path in [
                "/webhook/\(ids.webhook)", "/integrated-account/\(ids.account)", "/sync-job/\(ids.job)",
                "/sync-job-run/\(run.string("id")!)", "/sync-job-cron-trigger/\(trigger.string("id")!)",
            ] {
                snapshot[path] = try await api.request(.GET, path).json
            }
            return (api.token, snapshot)
        }
        try await first.close()

        let second = try await location.open()
        try await withAPI(store: second) { api in
            for (path, before) in snapshot {
                let after = try await api.request(.GET, path, token: token)
                #expect(after.status == 200, "\(path)")
                #expect(after.json == before, "\(path)")
            }
        }
        try await second.close()
    }
}
