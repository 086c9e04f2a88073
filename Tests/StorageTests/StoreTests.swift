import Foundation
import SQLKit
import SyncBridgeCore
import SyncBridgeTestSupport
import Testing

@testable import Storage

/// The same behaviour from both drivers.
@Suite struct StoreTests {
    static let now = Timestamp.parse("2024-01-01T00:00:00.000Z")!

    func environment(_ store: any Store, _ name: String = "default") async throws -> Environment {
        let env = Environment(name: name, createdAt: Self.now)
        try await store.transaction { try await $0.insertEnvironment(env) }
        return env
    }

    func webhook(_ env: Environment, at offset: TimeInterval, active: Bool = true) -> Webhook {
        let t = Self.now.addingTimeInterval(offset)
        return Webhook(
            environmentId: env.id, targetURL: "http://127.0.0.1:1/\(offset)", isActive: active, eventTypes: [],
            secret: "whsec_c2VjcmV0", createdAt: t, updatedAt: t
        )
    }

    @Test(.enabled(if: TestStores.checksPostgres, postgresMissingReason))
    func postgresIsAvailable() async throws {
        try await withStore(.postgres) { store in #expect(store.driverName == "postgres") }
    }

    @Test(arguments: StoreKind.available)
    func migrationsAreIdempotent(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await store.migrate()
            try await store.migrate()
            // Every migration applied once, the latest last, and the tables it made are usable.
            let versions = try await store.transaction { session in
                let db = try #require(session as? SQLSession).db
                return try await db.select().column("version").from("syncbridge_migrations").orderBy("version").all()
                    .map { try $0.decode(column: "version", as: Int.self) }
            }
            #expect(versions == Migrations.all.map(\.version))
            #expect(versions.last == 8)
            for table in [
                "environments", "api_tokens", "webhooks", "integrated_accounts", "sync_jobs", "sync_job_runs", "outbox_events",
                "sync_job_cron_triggers", "cron_fires", "sync_job_event_triggers", "sync_job_push_triggers", "resource_watermarks",
                "environment_integrations", "link_tokens", "request_budgets",
            ] {
                let count = try await store.transaction { session in
                    try await #require(session as? SQLSession).db.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from(table)
                        .first()?
                        .decode(column: "n", as: Int.self)
                }
                #expect(count == 0, "\(table)")
            }
        }
    }

    @Test(arguments: StoreKind.available)
    func insertFetchUpdateDelete(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let env = try await environment(store)
            var hook = webhook(env, at: 0)
            try await store.transaction { try await $0.insert(hook) }
            #expect(try await store.transaction { try await $0.fetch(Webhook.self, id: hook.id, environmentId: env.id) } == hook)
            hook.isActive = false
            hook.updatedAt = Self.now.addingTimeInterval(5)
            try await store.transaction { try await $0.update(hook) }
            #expect(try await store.transaction { try await $0.fetch(Webhook.self, id: hook.id, environmentId: env.id) } == hook)
            let other = try await environment(store, "other")
            #expect(try await store.transaction { try await $0.fetch(Webhook.self, id: hook.id, environmentId: other.id) } == nil)
            #expect(try await store.transaction { try await $0.delete(Webhook.self, id: hook.id, environmentId: other.id) } == false)
            #expect(try await store.transaction { try await $0.delete(Webhook.self, id: hook.id, environmentId: env.id) } == true)
            #expect(try await store.transaction { try await $0.fetch(Webhook.self, id: hook.id, environmentId: env.id) } == nil)
        }
    }

    @Test(arguments: StoreKind.available)
    func listPagesNewestFirstWithoutGapsOrRepeats(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let env = try await environment(store)
            // 25 webhooks, several sharing a created_at, so the cursor must break ties by id.
            let hooks = (0..<25).map { webhook(env, at: TimeInterval($0 / 3), active: $0 % 2 == 0) }
            try await store.transaction { s in for h in hooks { try await s.insert(h) } }
            var seen: [Webhook] = []
            var query = ListQuery(limit: 7)
            var pages = 0
            while true {
                let page = try await store.transaction { try await $0.list(Webhook.self, environmentId: env.id, query: query) }
                seen += page.items
                pages += 1
                guard let next = page.nextCursor else { break }
                query.cursor = ListCursor(payload: next.payload)
            }
            #expect(pages == 4)
            #expect(seen.count == 25)
            #expect(Set(seen.map(\.id)) == Set(hooks.map(\.id)))
            #expect(seen.map(\.createdAt) == seen.map(\.createdAt).sorted(by: >))
            let active = try await store.transaction {
                try await $0.list(Webhook.self, environmentId: env.id, query: ListQuery(limit: 100, equals: ["is_active": "true"]))
            }
            #expect(active.items.count == 13)
            #expect(try await store.transaction { try await $0.count(Webhook.self, environmentId: env.id, where: ["is_active": "false"]) } == 12)
            let ranged = try await store.transaction {
                try await $0.list(
                    Webhook.self, environmentId: env.id,
                    query: ListQuery(ranges: [.init(column: "created_at", op: .gte, value: Self.now.addingTimeInterval(7))])
                )
            }
            #expect(ranged.items.count == 4)  // offsets 7 and 8 → indexes 21…24
        }
    }

    @Test(arguments: StoreKind.available)
    func secretsAreSealedAtRest(kind: StoreKind) async throws {
        let location = try await TestStores.newLocation(kind)
        let store = try await location.open()
        let env = try await environment(store)
        let account = IntegratedAccount(
            environmentId: env.id, integrationName: "zendesk", tenantId: "acme",
            context: ["subdomain": "acme"], credentials: ["api_token": "very-secret-token-123"], status: .active,
            createdAt: Self.now, updatedAt: Self.now
        )
        try await store.transaction { try await $0.insert(account) }
        #expect(try await store.transaction { try await $0.fetch(IntegratedAccount.self, id: account.id, environmentId: env.id) } == account)
        try await store.close()
        if kind == .sqlite {
            // Nothing on disk holds the token in clear (WAL included).
            for suffix in ["", "-wal"] {
                let data = (try? Data(contentsOf: URL(fileURLWithPath: location.name + suffix))) ?? Data()
                #expect(data.range(of: Data("very-secret-token-123".utf8)) == nil)
            }
        }
        // Opening with another key cannot read the secret.
        let wrongKey: any Store
        switch kind {
        case .sqlite:
            wrongKey = try await StoreConfiguration(databaseURL: "sqlite://\(location.name)").open(
                secrets: SecretBox(secret: "other"), logger: TestStores.logger)
        case .postgres:
            wrongKey = try PostgresStore(
                url: TestStores.postgresURL!, searchPath: [location.name], secrets: SecretBox(secret: "other"), logger: TestStores.logger)
        }
        await #expect(throws: SyncBridgeError.self) {
            try await wrongKey.transaction { try await $0.fetch(IntegratedAccount.self, id: account.id, environmentId: env.id) }
        }
        try await wrongKey.close()
    }

    @Test(arguments: StoreKind.available)
    func failedTransactionsLeaveNothingBehind(kind: StoreKind) async throws {
        struct Boom: Error {}
        try await withStore(kind) { store in
            let env = try await environment(store)
            let hook = webhook(env, at: 0)
            await #expect(throws: Boom.self) {
                try await store.transaction { s in
                    try await s.insert(hook)
                    try await s.enqueue([OutboxEvent(environmentId: env.id, webhookId: hook.id, event: "test", payload: [:], createdAt: Self.now)])
                    throw Boom()
                }
            }
            #expect(try await store.transaction { try await $0.fetch(Webhook.self, id: hook.id, environmentId: env.id) } == nil)
            #expect(try await store.transaction { try await $0.outbox(environmentId: env.id, limit: 10) }.isEmpty)
        }
    }

    @Test(arguments: StoreKind.available)
    func tokensAreFoundByHashOnly(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let (token, env) = try await TokenIssuer(store: store).createToken(name: "ci", environment: "staging")
            #expect(token.hasPrefix("sb_"))
            let found = try await store.transaction { try await $0.token(hash: Tokens.hash(token)) }
            #expect(found?.environmentId == env.id)
            #expect(found?.tokenHash != token)
            #expect(try await store.transaction { try await $0.token(hash: token) } == nil)
            let (_, same) = try await TokenIssuer(store: store).createToken(name: "second", environment: "staging")
            #expect(same.id == env.id)
        }
    }

    /// A lease is renewed only by its owner, and a lapsed lease lets another worker claim the run.
    @Test(arguments: StoreKind.available)
    func leasesAreRenewedOnlyByTheirOwner(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let env = try await environment(store)
            let run = SyncJobRun(
                environmentId: env.id, settings: RunSettings(syncJobId: UUID(), integratedAccountId: UUID(), webhookId: UUID()), createdAt: Self.now,
                updatedAt: Self.now)
            try await store.transaction { try await $0.insert(run) }
            let claimed = try await store.transaction {
                try await $0.claimRun(owner: "a", now: Self.now, leaseUntil: Self.now.addingTimeInterval(30))
            }
            #expect(claimed?.run.id == run.id)
            #expect(
                try await store.transaction { try await $0.renewLease(runId: run.id, owner: "b", until: Self.now.addingTimeInterval(600)) } == false)
            #expect(
                try await store.transaction { try await $0.renewLease(runId: UUID(), owner: "a", until: Self.now.addingTimeInterval(600)) } == false)
            // a renews to now + 60 s: b cannot claim the run before then (b's refused renewal to now + 600 s changed
            // nothing), and can after.
            #expect(try await store.transaction { try await $0.renewLease(runId: run.id, owner: "a", until: Self.now.addingTimeInterval(60)) })
            #expect(
                try await store.transaction {
                    try await $0.claimRun(owner: "b", now: Self.now.addingTimeInterval(31), leaseUntil: Self.now.addingTimeInterval(90))
                } == nil)
            let reclaimed = try await store.transaction {
                try await $0.claimRun(owner: "b", now: Self.now.addingTimeInterval(61), leaseUntil: Self.now.addingTimeInterval(90))
            }
            #expect(reclaimed?.run.id == run.id)
            #expect(
                try await store.transaction { try await $0.renewLease(runId: run.id, owner: "a", until: Self.now.addingTimeInterval(600)) } == false)
            #expect(try await store.transaction { try await $0.renewLease(runId: run.id, owner: "b", until: Self.now.addingTimeInterval(120)) })
        }
    }

    /// Claims in a row are counted until the checkpoint moves or the lease is given up: what tells a run that kills
    /// its executor from one that was merely interrupted.
    @Test(arguments: StoreKind.available)
    func claimsWithoutProgressAreCountedUntilTheCheckpointMoves(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let env = try await environment(store)
            let run = SyncJobRun(
                environmentId: env.id, settings: RunSettings(syncJobId: UUID(), integratedAccountId: UUID(), webhookId: UUID()), createdAt: Self.now,
                updatedAt: Self.now)
            try await store.transaction { try await $0.insert(run) }
            func claim(_ owner: String, at offset: TimeInterval) async throws -> Int? {
                let now = Self.now.addingTimeInterval(offset)
                return try await store.transaction { try await $0.claimRun(owner: owner, now: now, leaseUntil: now.addingTimeInterval(30)) }?
                    .claimsWithoutProgress
            }
            #expect(try await claim("a", at: 0) == 1)
            #expect(try await claim("b", at: 31) == 2)
            try await store.transaction { try await $0.setCheckpoint(runId: run.id, ["page": 2]) }
            #expect(try await claim("c", at: 62) == 1)
            // The same position again is no progress.
            try await store.transaction { try await $0.setCheckpoint(runId: run.id, ["page": 2]) }
            #expect(try await claim("d", at: 93) == 2)
            try await store.transaction { try await $0.releaseLease(runId: run.id, owner: "d") }
            #expect(try await claim("e", at: 94) == 1)
        }
    }

    /// The SQLite process holding the owner lock frees every lease left in the file at start; a store opened without
    /// it (a command) frees none.
    @Test func sqliteOwnerRecoversEveryLease() async throws {
        let location = try await TestStores.newLocation(.sqlite)
        let plain = try await location.open()
        let env = try await environment(plain)
        let runs = (0..<2).map { _ in
            SyncJobRun(
                environmentId: env.id, settings: RunSettings(syncJobId: UUID(), integratedAccountId: UUID(), webhookId: UUID()), createdAt: Self.now,
                updatedAt: Self.now)
        }
        for run in runs { try await plain.transaction { try await $0.insert(run) } }
        let far = Self.now.addingTimeInterval(86_400)
        for _ in runs { _ = try await plain.transaction { try await $0.claimRun(owner: "dead:1", now: Self.now, leaseUntil: far) } }
        #expect(try await plain.recoverLeases(workerId: "new:2") == 0)
        try await plain.close()

        let owner = try await SQLiteStore.open(path: location.name, secrets: TestStores.secrets, logger: TestStores.logger, ownsQueue: true)
        #expect(try await owner.recoverLeases(workerId: "new:2") == 2)
        let claimed = try await owner.transaction { try await $0.claimRun(owner: "new:2", now: Self.now.addingTimeInterval(1), leaseUntil: far) }
        #expect(claimed.map { r in runs.contains { $0.id == r.run.id } } == true)
        try await owner.close()
    }

    /// PostgreSQL: one live process per worker id. The id's lock is held until the store closes; the leases that
    /// carry the id are freed when it is taken, others' are not.
    @Test(.enabled(if: TestStores.checksPostgres, postgresMissingReason))
    func postgresWorkerIdsAreExclusiveAndRecoverTheirOwnLeases() async throws {
        let location = try await TestStores.newLocation(.postgres)
        let first = try await location.open()
        let env = try await environment(first)
        let far = Self.now.addingTimeInterval(86_400)
        for owner in ["w1", "w2"] {
            let run = SyncJobRun(
                environmentId: env.id, settings: RunSettings(syncJobId: UUID(), integratedAccountId: UUID(), webhookId: UUID()), createdAt: Self.now,
                updatedAt: Self.now)
            try await first.transaction { try await $0.insert(run) }
            #expect(try await first.transaction { try await $0.claimRun(owner: owner, now: Self.now, leaseUntil: far) }?.run.id == run.id)
        }
        #expect(try await first.recoverLeases(workerId: "w1") == 1)
        let second = try await location.open()
        await #expect(throws: SyncBridgeError.self) { _ = try await second.recoverLeases(workerId: "w1") }
        do {
            _ = try await second.recoverLeases(workerId: "w1")
        } catch let error as SyncBridgeError {
            #expect(error.code == "worker_id_in_use")
        }
        #expect(try await second.recoverLeases(workerId: "w3") == 0)
        try await first.close()
        #expect(try await second.recoverLeases(workerId: "w1") == 0)
        try await second.close()
    }
}
