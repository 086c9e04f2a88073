/// The schema, as an ordered list of versioned migrations. Never edit a released migration: append a new one.
struct Migration: Sendable {
    let version: Int
    let name: String
    /// Statements; `{{seq}}` becomes the dialect's auto-increment primary key.
    let statements: [String]
}

enum SQLFlavor: String, Sendable {
    case sqlite, postgres

    var autoIncrementKey: String {
        switch self {
        case .sqlite: "INTEGER PRIMARY KEY AUTOINCREMENT"
        case .postgres: "BIGSERIAL PRIMARY KEY"
        }
    }
}

enum Migrations {
    static let all: [Migration] = [
        Migration(
            version: 1, name: "initial schema",
            statements: [
                """
                CREATE TABLE environments (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL)
                """,
                """
                CREATE TABLE api_tokens (id TEXT PRIMARY KEY, environment_id TEXT NOT NULL REFERENCES environments(id),
                  name TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL)
                """,
            ] + resourceTable("webhooks", ["is_active"])
                + resourceTable("integrated_accounts", ["integration_name", "tenant_id", "status"])
                + resourceTable("sync_jobs", ["integration_name"])
                + resourceTable("sync_job_runs", ["sync_job_id", "integrated_account_id", "webhook_id", "status", "sync_job_cron_trigger_id"])
                + resourceTable("sync_job_cron_triggers", ["sync_job_id", "integrated_account_id", "webhook_id", "status", "next_fire_at"])
                + [
                    "CREATE INDEX sync_job_runs_job ON sync_job_runs (sync_job_id, integrated_account_id, status)",
                    "CREATE INDEX sync_job_runs_status ON sync_job_runs (status)",
                    "CREATE INDEX sync_job_cron_triggers_next ON sync_job_cron_triggers (status, next_fire_at)",
                    """
                    CREATE TABLE outbox_events (seq {{seq}}, id TEXT NOT NULL UNIQUE,
                      environment_id TEXT NOT NULL REFERENCES environments(id), webhook_id TEXT NOT NULL, event TEXT NOT NULL,
                      payload TEXT NOT NULL, created_at TEXT NOT NULL, status TEXT NOT NULL, attempts BIGINT NOT NULL,
                      next_attempt_at TEXT, last_error TEXT)
                    """,
                    "CREATE INDEX outbox_events_pending ON outbox_events (status, next_attempt_at)",
                    "CREATE INDEX outbox_events_environment ON outbox_events (environment_id, seq)",
                ]
        ),
        Migration(
            version: 2, name: "run leases, checkpoints and per-run outbox",
            statements: [
                "ALTER TABLE sync_job_runs ADD COLUMN started_at TEXT",
                "ALTER TABLE sync_job_runs ADD COLUMN lease_owner TEXT",
                "ALTER TABLE sync_job_runs ADD COLUMN lease_expires_at TEXT",
                "ALTER TABLE sync_job_runs ADD COLUMN checkpoint TEXT",
                "CREATE INDEX sync_job_runs_claim ON sync_job_runs (status, lease_expires_at, created_at)",
                "CREATE INDEX sync_job_runs_previous ON sync_job_runs (sync_job_id, integrated_account_id, status, started_at)",
                "ALTER TABLE outbox_events ADD COLUMN sync_job_run_id TEXT",
                "CREATE INDEX outbox_events_run ON outbox_events (sync_job_run_id, seq)",
            ]
        ),
        Migration(
            version: 3, name: "cron fires",
            statements: [
                // One row per (trigger, scheduled time): the primary key makes a second firing of a slot impossible,
                // however many schedulers run.
                """
                CREATE TABLE cron_fires (trigger_id TEXT NOT NULL, scheduled_at TEXT NOT NULL, environment_id TEXT NOT NULL,
                  outcome TEXT NOT NULL, run_id TEXT, reason TEXT, fired_at TEXT NOT NULL, PRIMARY KEY (trigger_id, scheduled_at))
                """
            ]
        ),
        Migration(
            version: 4, name: "account event triggers",
            statements: resourceTable("sync_job_event_triggers", ["sync_job_id", "webhook_id", "event", "status"]) + [
                "CREATE INDEX sync_job_event_triggers_event ON sync_job_event_triggers (environment_id, event, status)"
            ]
        ),
        Migration(
            version: 5, name: "push triggers",
            statements: resourceTable("sync_job_push_triggers", ["sync_job_id", "integrated_account_id", "webhook_id", "status", "due_at"]) + [
                // The scheduler's only query: active triggers due by now, earliest first.
                "CREATE INDEX sync_job_push_triggers_due ON sync_job_push_triggers (status, due_at)"
            ]
        ),
        Migration(
            version: 6, name: "per-resource watermarks, claims without progress, environment integrations, link tokens",
            statements: [
                // Where each resource of a job's incremental runs on an account starts: the `started_at` of the last
                // completed run in which the resource completed cleanly (NULL: never). Written when a run completes.
                """
                CREATE TABLE resource_watermarks (environment_id TEXT NOT NULL, sync_job_id TEXT NOT NULL,
                  integrated_account_id TEXT NOT NULL, resource TEXT NOT NULL, started_at TEXT, run_id TEXT NOT NULL,
                  updated_at TEXT NOT NULL, PRIMARY KEY (sync_job_id, integrated_account_id, resource))
                """,
                // How many times in a row the run was claimed without its checkpoint moving: a run that kills every
                // process executing it is quarantined instead of crash-looping the engine.
                "ALTER TABLE sync_job_runs ADD COLUMN claims_without_progress BIGINT NOT NULL DEFAULT 0",
            ] + resourceTable("environment_integrations", ["integration_name"]) + resourceTable("link_tokens", [])
        ),
        Migration(
            version: 7, name: "parked runs, failing webhooks",
            statements: [
                // When a run parked `waiting_for_webhook` may be claimed again (NULL for every other run).
                "ALTER TABLE sync_job_runs ADD COLUMN next_attempt_at TEXT",
                // Since when every delivery to the webhook failed (NULL: the last one succeeded, or none was made).
                "ALTER TABLE webhooks ADD COLUMN failing_since TEXT",
            ]
        ),
        Migration(
            version: 8, name: "request budgets",
            statements: [
                // One pacer per integrated account and endpoint class, shared by every process (see RequestPacer):
                // the limit per minute (NULL: none known) and whether the provider taught it, the earliest instant
                // of the next request and the end of a block, as seconds since 1970 on the engine's clock.
                """
                CREATE TABLE request_budgets (integrated_account_id TEXT NOT NULL, endpoint_class TEXT NOT NULL,
                  per_minute DOUBLE PRECISION, learned BIGINT NOT NULL DEFAULT 0, next_slot DOUBLE PRECISION NOT NULL,
                  blocked_until DOUBLE PRECISION, updated_at TEXT NOT NULL, PRIMARY KEY (integrated_account_id, endpoint_class))
                """
            ]
        ),
    ]

    /// A resource table: id, environment, timestamps, the JSON document, and indexed columns.
    static func resourceTable(_ name: String, _ columns: [String]) -> [String] {
        let extra = columns.map { ", \($0) TEXT" }.joined()
        return [
            """
            CREATE TABLE \(name) (id TEXT PRIMARY KEY, environment_id TEXT NOT NULL REFERENCES environments(id),
              created_at TEXT NOT NULL, updated_at TEXT NOT NULL, data TEXT NOT NULL\(extra))
            """,
            "CREATE INDEX \(name)_list ON \(name) (environment_id, created_at, id)",
        ]
    }
}
