import NIOHTTP1
import SyncBridgeCore
import SyncBridgeTestSupport
import Testing

@Suite struct AuthTests {
    @Test(.enabled(if: TestStores.checksPostgres, postgresMissingReason))
    func postgresIsAvailable() async throws {
        try await withAPI(.postgres) { api in
            let health = try await api.request(.GET, "/health", authenticated: false)
            #expect(health.json["status"] == "ok")
            #expect(health.json["database"] == "postgres")
            #expect(health.json["now"]?.stringValue.flatMap(Timestamp.parse) != nil)
        }
    }

    @Test(arguments: StoreKind.available)
    func everyRouteButHealthAndOpenAPINeedsAToken(kind: StoreKind) async throws {
        try await withAPI(kind) { api in
            #expect(try await api.request(.GET, "/health", authenticated: false).status == 200)
            #expect(try await api.request(.GET, "/openapi.json", authenticated: false).status == 200)
            let missing = try await api.request(.GET, "/webhook", authenticated: false)
            #expect(missing.status == 401)
            #expect(missing.string("code") == "missing_token")
            #expect(missing.json["statusCode"] == 401)
            #expect(missing.string("error") == "Unauthorized")
            #expect(missing.headers["www-authenticate"] == "Bearer")
            let wrong = try await api.request(.GET, "/webhook", token: "sb_not-a-real-token")
            #expect(wrong.status == 401)
            #expect(wrong.string("code") == "invalid_token")
            let basic = try await api.request(.GET, "/sync-job", headers: [("Authorization", "Basic Zm9vOmJhcg==")], authenticated: false)
            #expect(basic.status == 401)
            #expect(basic.string("code") == "invalid_token")
        }
    }

    @Test(arguments: StoreKind.available)
    func environmentsCannotSeeEachOther(kind: StoreKind) async throws {
        try await withAPI(kind) { api in
            let ids = try await Fixtures.basics(api)
            let other = try await api.token(environment: "staging")
            for path in ["/webhook/\(ids.webhook)", "/integrated-account/\(ids.account)", "/sync-job/\(ids.job)"] {
                let r = try await api.request(.GET, path, token: other)
                #expect(r.status == 404, "\(path)")
                #expect(try await api.request(.DELETE, path, token: other).status == 404)
                #expect(try await api.request(.PATCH, path, json: [:], token: other).status == 404)
                #expect(try await api.request(.GET, path).status == 200)
            }
            for path in ["/webhook", "/integrated-account", "/sync-job", "/sync-job-run", "/sync-job-cron-trigger"] {
                #expect(try await api.request(.GET, path, token: other).json["result"] == [])
            }
            // A run in the other environment cannot point at this environment's job, account or webhook.
            let run = try await api.request(.POST, "/sync-job-run", json: Fixtures.runBody(ids), token: other)
            #expect(run.status == 422)
            #expect(Set(Fixtures.failures(run).keys) == ["sync_job_id", "integrated_account_id", "webhook_id"])
        }
    }
}
