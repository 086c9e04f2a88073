import Foundation

/// How a sync job run reacts to a failed fetch.
public enum ErrorHandling: String, Sendable, CaseIterable {
    /// Send `sync_job_run:record_error` and go on (the default).
    case ignore
    /// End the run as `failed` at the first error.
    case failFast = "fail_fast"
}

/// How a run ends.
public enum RunMode: String, Sendable, CaseIterable {
    /// Fetch everything once, then complete (Truto's runs).
    case batch
    /// Keep polling the root resource's incremental cursor every `polling_period` seconds and deliver changes as
    /// they come, until stopped. The job must have one root resource.
    case continuous
}

/// What a run (or a cron trigger that creates runs) executes: job, account, destination and options.
public struct RunSettings: Sendable, Equatable {
    public var syncJobId: UUID
    public var integratedAccountId: UUID
    public var webhookId: UUID
    public var errorHandling: ErrorHandling
    /// Use `0001-01-01T00:00:00.000Z` as `previous_run_date` whatever ran before.
    public var ignorePreviousRun: Bool
    /// Arguments, validated against the job's `args_schema`.
    public var args: [String: JSONValue]
    /// `batch` (default) or `continuous`.
    public var mode: RunMode = .batch
    /// Seconds between polls of a continuous run once it has caught up (default 6).
    public var pollingPeriod: Double = 6
    /// Where records are written instead of the webhook; nil: the webhook gets them.
    public var destination: RunDestination?

    /// Creates settings.
    public init(
        syncJobId: UUID, integratedAccountId: UUID, webhookId: UUID, errorHandling: ErrorHandling = .ignore,
        ignorePreviousRun: Bool = false, args: [String: JSONValue] = [:]
    ) {
        self.syncJobId = syncJobId
        self.integratedAccountId = integratedAccountId
        self.webhookId = webhookId
        self.errorHandling = errorHandling
        self.ignorePreviousRun = ignorePreviousRun
        self.args = args
    }

    /// The members accepted in a request.
    public static let fields: Set<String> = [
        "sync_job_id", "integrated_account_id", "webhook_id", "error_handling", "ignore_previous_run", "args", "mode", "polling_period",
        "destination",
    ]

    /// The members as JSON.
    public var members: [String: JSONValue] {
        [
            "sync_job_id": .string(syncJobId.lowercased),
            "integrated_account_id": .string(integratedAccountId.lowercased),
            "webhook_id": .string(webhookId.lowercased),
            "error_handling": .string(errorHandling.rawValue),
            "ignore_previous_run": .bool(ignorePreviousRun),
            "args": .object(args),
            "mode": .string(mode.rawValue),
            "polling_period": .number(pollingPeriod),
            "destination": destination?.json ?? .null,
        ]
    }

    /// Reads settings; `nil` when anything required is missing or invalid (failures recorded).
    public init?(reading r: FieldReader) {
        let job = r.uuid("sync_job_id", required: true)
        let account = r.uuid("integrated_account_id", required: true)
        let webhook = r.uuid("webhook_id", required: true)
        let handling = r.oneOf("error_handling", ErrorHandling.allCases.map(\.rawValue)).flatMap(ErrorHandling.init(rawValue:))
        let ignore = r.bool("ignore_previous_run")
        let args = r.object("args")
        let mode = r.oneOf("mode", RunMode.allCases.map(\.rawValue)).flatMap(RunMode.init(rawValue:))
        var period: Double?
        if let v = r.present("polling_period") {
            if let n = v.numberValue, n >= 0.05, n <= 86_400 {
                period = n
            } else {
                r.failures.add(r.path("polling_period"), "must be a number of seconds from 0.05 to 86400")
            }
        }
        let destination = RunDestination(reading: r)
        guard let job, let account, let webhook else { return nil }
        self.init(
            syncJobId: job, integratedAccountId: account, webhookId: webhook, errorHandling: handling ?? .ignore,
            ignorePreviousRun: ignore ?? false, args: args ?? [:]
        )
        self.mode = mode ?? .batch
        self.pollingPeriod = period ?? 6
        self.destination = destination
    }
}
