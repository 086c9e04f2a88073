import ArgumentParser
import Engine
import Foundation
import Logging
import Storage
import SyncBridgeCore

/// Options of the commands that run the engine.
struct EngineOptions: ParsableArguments {
    @Option(help: "Runs executed at once by this process (env SYNCBRIDGE_MAX_CONCURRENT_RUNS, default 4)")
    var maxConcurrentRuns: Int?

    @Option(
        help:
            "Runs of one environment executed at once by all processes sharing the database; 0 = no bound (env SYNCBRIDGE_MAX_RUNS_PER_ENVIRONMENT, default 3)"
    )
    var maxRunsPerEnvironment: Int?

    @Option(help: "Seconds a claimed run stays leased without renewal (env SYNCBRIDGE_LEASE_SECONDS, default 30)")
    var leaseSeconds: Double?

    @Option(help: "Name of this worker in run leases (env SYNCBRIDGE_WORKER_ID, default host:pid)")
    var workerId: String?

    @Option(
        help:
            "Provider requests per minute per account to start from, until the provider's headers give its limit; shared by every process on PostgreSQL; 0 = no budget (env SYNCBRIDGE_ACCOUNT_REQUESTS_PER_MINUTE, default 600)"
    )
    var accountRequestsPerMinute: Double?

    @Option(
        help:
            "Incremental-export requests per minute per account to start from, on top of the account's limit (env SYNCBRIDGE_EXPORT_REQUESTS_PER_MINUTE, default 10, Zendesk's)"
    )
    var exportRequestsPerMinute: Double?

    @Option(
        help:
            "Seconds added to each minute when spacing an account's requests, absorbing latency jitter (env SYNCBRIDGE_ACCOUNT_BUDGET_MARGIN_SECONDS, default 1)"
    )
    var accountBudgetMarginSeconds: Double?

    @Option(
        help:
            "Claims in a row without progress after which a run that keeps killing the engine is failed (env SYNCBRIDGE_MAX_CLAIMS_WITHOUT_PROGRESS, default 5)"
    )
    var maxClaimsWithoutProgress: Int?

    @Option(help: "Waits between webhook delivery attempts, like 5s,5m,30m,2h,5h,10h,10h (env SYNCBRIDGE_DELIVERY_SCHEDULE; that is the default)")
    var deliverySchedule: String?

    @Option(
        help: "A delivery wait longer than this many seconds parks the run as waiting_for_webhook (env SYNCBRIDGE_PARK_AFTER_SECONDS, default 60)")
    var parkAfterSeconds: Double?

    @Option(help: "Deactivate a webhook whose every delivery failed for this many hours (env SYNCBRIDGE_DISABLE_WEBHOOK_AFTER_HOURS, default 120)")
    var disableWebhookAfterHours: Double?

    /// A schedule that does not read is refused at start, not replaced by the default.
    func validate() throws {
        if let text = deliverySchedule ?? ProcessInfo.processInfo.environment["SYNCBRIDGE_DELIVERY_SCHEDULE"],
            RetryPolicy.schedule(parsing: text) == nil
        {
            throw ValidationError(
                "--delivery-schedule / SYNCBRIDGE_DELIVERY_SCHEDULE '\(text)' is not a list of waits like 5s,5m,30m,2h (each from 0 to 30 days)")
        }
    }

    /// The accounts' request budget to start from (nil: requests are not paced).
    var requestBudget: RequestBudgetConfiguration? {
        let env = ProcessInfo.processInfo.environment
        let perMinute = accountRequestsPerMinute ?? env["SYNCBRIDGE_ACCOUNT_REQUESTS_PER_MINUTE"].flatMap(Double.init) ?? 600
        guard perMinute > 0 else { return nil }
        let exports = exportRequestsPerMinute ?? env["SYNCBRIDGE_EXPORT_REQUESTS_PER_MINUTE"].flatMap(Double.init) ?? 10
        let margin = accountBudgetMarginSeconds ?? env["SYNCBRIDGE_ACCOUNT_BUDGET_MARGIN_SECONDS"].flatMap(Double.init) ?? 1
        return RequestBudgetConfiguration(perMinute: [.general: perMinute, .incrementalExports: exports], margin: margin)
    }

    /// The request budget of a process on `store`: the database's on PostgreSQL, the process's own on SQLite.
    func budget(store: any Store, clock: any WallClock, logger: Logger) -> (any RequestBudget)? {
        requestBudget.map { store.requestBudget($0, clock: clock, logger: logger) }
    }

    var configuration: EngineConfiguration {
        let env = ProcessInfo.processInfo.environment
        var c = EngineConfiguration(workerId: workerId ?? env["SYNCBRIDGE_WORKER_ID"] ?? EngineConfiguration.defaultWorkerId)
        if let n = maxConcurrentRuns ?? env["SYNCBRIDGE_MAX_CONCURRENT_RUNS"].flatMap(Int.init) { c.maxConcurrentRuns = max(1, n) }
        if let n = maxRunsPerEnvironment ?? env["SYNCBRIDGE_MAX_RUNS_PER_ENVIRONMENT"].flatMap(Int.init) { c.maxRunsPerEnvironment = n > 0 ? n : nil }
        if let s = leaseSeconds ?? env["SYNCBRIDGE_LEASE_SECONDS"].flatMap(Double.init) { c.leaseDuration = max(1, s) }
        if let n = maxClaimsWithoutProgress ?? env["SYNCBRIDGE_MAX_CLAIMS_WITHOUT_PROGRESS"].flatMap(Int.init) {
            c.maxClaimsWithoutProgress = max(1, n)
        }
        if let text = deliverySchedule ?? env["SYNCBRIDGE_DELIVERY_SCHEDULE"], let schedule = RetryPolicy.schedule(parsing: text) {
            c.delivery = RetryPolicy.scheduled(schedule)
        }
        if let s = parkAfterSeconds ?? env["SYNCBRIDGE_PARK_AFTER_SECONDS"].flatMap(Double.init) { c.parkAfter = max(0, s) }
        if let h = disableWebhookAfterHours ?? env["SYNCBRIDGE_DISABLE_WEBHOOK_AFTER_HOURS"].flatMap(Double.init) {
            c.disableWebhookAfter = max(0, h) * 3600
        }
        c.crashBeforeFetching = env["SYNCBRIDGE_TEST_CRASH_BEFORE_FETCHING"]
        return c
    }
}
