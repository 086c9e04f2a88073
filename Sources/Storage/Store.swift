import Foundation
import SyncBridgeCore

/// Durable storage for everything SyncBridge knows. One protocol, two drivers: ``SQLiteStore`` (embedded, the
/// default) and ``PostgresStore`` (shared by many processes).
///
/// All work happens in a ``StoreSession`` handed out by ``transaction(_:)``: it commits when the closure returns and
/// rolls back when it throws, so a change and the events it causes are written together or not at all.
public protocol Store: Sendable {
    /// `sqlite` or `postgres`.
    var driverName: String { get }

    /// Signalled after a transaction that created or re-queued a run commits (this process's writes only).
    var runQueue: RunQueueSignal { get }

    /// Per-account locks for work that must not overlap within this process (token refreshes).
    var accountLocks: KeyedLock { get }

    /// Signs the cursors the API hands out, with a key derived from this store's secret key.
    var cursors: CursorSeal { get }

    /// Runs `body` in one transaction.
    func transaction<R: Sendable>(_ body: (any StoreSession) async throws -> R) async throws -> R

    /// Applies the migrations not yet applied. Safe to call from several processes at once.
    func migrate() async throws

    /// Called once by an engine process before it claims anything. Makes sure no other live process works as
    /// `workerId` (PostgreSQL: a session advisory lock on it, held until ``close()``; a second live process with the
    /// same id is refused with `worker_id_in_use`), then frees the leases that no live process can hold, so their runs
    /// resume at once instead of after the lease lapses: on SQLite, whose owner lock proves that this is the only
    /// engine on the file, every lease; on PostgreSQL, the leases carrying `workerId` (this worker's, from before a
    /// restart). Returns how many leases were freed.
    func recoverLeases(workerId: String) async throws -> Int

    /// Closes connections. The store must not be used afterwards.
    func close() async throws
}

/// A run taken for execution, with how many times in a row it has been taken without its checkpoint moving
/// (this claim included).
public struct ClaimedRun: Sendable {
    public let run: SyncJobRun
    public let claimsWithoutProgress: Int

    public init(run: SyncJobRun, claimsWithoutProgress: Int) {
        self.run = run
        self.claimsWithoutProgress = claimsWithoutProgress
    }
}

/// The operations available inside a transaction.
public protocol StoreSession: Sendable {
    // MARK: Environments and tokens

    /// Stores a new environment.
    func insertEnvironment(_ environment: Environment) async throws
    /// The environment with that name.
    func environment(named name: String) async throws -> Environment?
    /// Stores a new API token record.
    func insertToken(_ token: APIToken) async throws
    /// The token whose SHA-256 hash is `hash`.
    func token(hash: String) async throws -> APIToken?

    // MARK: Resources

    /// Inserts a new resource.
    func insert<R: StoredResource>(_ resource: R) async throws
    /// Replaces a resource (matched by id and environment).
    func update<R: StoredResource>(_ resource: R) async throws
    /// The resource with that id in that environment. `forUpdate` locks the row until the transaction ends.
    func fetch<R: StoredResource>(_ type: R.Type, id: UUID, environmentId: UUID, forUpdate: Bool) async throws -> R?
    /// Deletes a resource; false when there was none.
    func delete<R: StoredResource>(_ type: R.Type, id: UUID, environmentId: UUID) async throws -> Bool
    /// One page of resources, newest first.
    func list<R: StoredResource>(_ type: R.Type, environmentId: UUID, query: ListQuery) async throws -> ListPage<R>
    /// How many resources match equality filters on indexed columns (`["sync_job_id": "…"]`).
    func count<R: StoredResource>(_ type: R.Type, environmentId: UUID, where filters: [String: String]) async throws -> Int

    // MARK: Outbox

    /// Appends events to the outbox.
    func enqueue(_ events: [OutboxEvent]) async throws
    /// Outbox events of an environment in the order they were written.
    func outbox(environmentId: UUID, limit: Int) async throws -> [OutboxEvent]
    /// The undelivered events of one run, in the order they were written.
    func pendingEvents(runId: UUID) async throws -> [OutboxEvent]
    /// Undelivered events that are due and that no running executor owns: events of no run, or of a finished run.
    func dueEvents(now: Date, limit: Int) async throws -> [OutboxEvent]
    /// Takes an undelivered, due event for delivery until `until` (so no one else sends it meanwhile); `nil` when it
    /// is delivered, failed for good, or someone else holds it.
    func claimEvent(id: UUID, now: Date, until: Date) async throws -> OutboxEvent?
    /// Records a delivery attempt's outcome.
    func recordAttempt(eventId: UUID, status: OutboxEvent.Status, attempts: Int, nextAttemptAt: Date?, lastError: String?) async throws

    // MARK: Run execution

    /// Takes the oldest run that is waiting (`created`) or whose executor's lease has expired, and leases it to
    /// `owner` until `leaseUntil`. Several processes may call it at once: each run goes to one of them. Counts the
    /// claim; ``setCheckpoint(runId:_:)`` with a new position and ``releaseLease(runId:owner:)`` reset the count.
    /// With `perEnvironment`, a run is taken only while fewer than that many runs of its environment hold a live
    /// lease (in every process sharing the store), so one environment's burst leaves slots for the others.
    func claimRun(owner: String, now: Date, leaseUntil: Date, perEnvironment: Int?) async throws -> ClaimedRun?
    /// Extends a lease `owner` holds; false when it no longer holds it.
    func renewLease(runId: UUID, owner: String, until: Date) async throws -> Bool
    /// Gives up a lease `owner` holds.
    func releaseLease(runId: UUID, owner: String) async throws
    /// Frees every lease held by `owner`, or every lease at all when `owner` is nil; returns how many.
    func releaseLeases(owner: String?) async throws -> Int
    /// Where an interrupted run resumes (`nil`: from the start).
    func checkpoint(runId: UUID) async throws -> JSONValue?
    /// Records where the run resumes if interrupted now.
    func setCheckpoint(runId: UUID, _ checkpoint: JSONValue?) async throws
    /// Records how a delivery attempt to a webhook ended. A success clears its failing streak; a failure starts one
    /// (at `at`) or, when every delivery has failed for at least `disableAfter`, deactivates the webhook and queues
    /// `webhook:disabled` for every other active webhook of the environment that subscribes to it. Returns the webhook
    /// when this call deactivated it.
    func recordDeliveryOutcome(webhookId: UUID, environmentId: UUID, succeeded: Bool, at: Date, disableAfter: TimeInterval) async throws -> Webhook?
    /// Saves a running run's progress — its document (statistics, status, `next_attempt_at`), its checkpoint, and its
    /// lease extended to `leaseUntil` (nil: given up, the run is parked) — in one statement that matches only while
    /// `owner` holds the lease and the run is not stopped or finished. A checkpoint that moved resets the claim count.
    func saveProgress(_ run: SyncJobRun, checkpoint: JSONValue, owner: String, leaseUntil: Date?) async throws -> ProgressSave
    /// `started_at` of the latest completed run of a job on an account. Used for `previous_run_date` only while
    /// the job and account have no ``resourceWatermarks(syncJobId:integratedAccountId:environmentId:)`` yet (runs
    /// completed by versions before them).
    func lastCompletedRunStart(syncJobId: UUID, integratedAccountId: UUID, environmentId: UUID) async throws -> Date?
    /// Each resource's watermark for a job on an account: the `started_at` of the last completed run in which the
    /// resource completed cleanly (`nil`: never). Empty when no run has completed since watermarks exist.
    func resourceWatermarks(syncJobId: UUID, integratedAccountId: UUID, environmentId: UUID) async throws -> [String: Date?]
    /// Writes watermarks (replacing those of the same resources), in the transaction that completes `runId`.
    func setResourceWatermarks(
        syncJobId: UUID, integratedAccountId: UUID, environmentId: UUID, runId: UUID, marks: [String: Date?], now: Date
    ) async throws

    // MARK: Scheduling

    /// Active cron triggers whose next fire time has come, earliest first, across environments. On PostgreSQL the
    /// rows are locked and other schedulers skip them.
    func dueTriggers(now: Date, limit: Int) async throws -> [SyncJobCronTrigger]
    /// The earliest next fire time of any active trigger.
    func earliestFireTime() async throws -> Date?
    /// Records one fire of a trigger's slot; throws when the slot was already recorded (a unique key).
    func recordFire(_ fire: CronFire) async throws
    /// A trigger's most recent fires, newest first.
    func fires(triggerId: UUID, limit: Int) async throws -> [CronFire]
    /// Whether a run created by the trigger has not finished yet.
    func hasUnfinishedRun(cronTriggerId: UUID, environmentId: UUID) async throws -> Bool

    // MARK: Push triggers

    /// A resource by id whatever its environment (for inbound calls that carry only an id). `forUpdate` locks it.
    func find<R: StoredResource>(_ type: R.Type, id: UUID, forUpdate: Bool) async throws -> R?
    /// Active push triggers due by `now`, earliest first, across environments; locked and skipped by others on
    /// PostgreSQL.
    func duePushTriggers(now: Date, limit: Int) async throws -> [SyncJobPushTrigger]

    // MARK: Request budgets

    /// The pacer of an account's endpoint class, locked until the transaction ends; a missing row is created from
    /// `initial` first (stamped `now`), so the lock holds even for the first request of an account.
    func lockRequestPacer(account: UUID, endpointClass: EndpointClass, initial: RequestPacer, now: Date) async throws -> RequestPacer
    /// Stores the pacer locked by ``lockRequestPacer(account:endpointClass:initial:now:)``.
    func saveRequestPacer(account: UUID, endpointClass: EndpointClass, _ pacer: RequestPacer, now: Date) async throws
    /// The pacer of an account's endpoint class, unlocked (nil: never used).
    func requestPacer(account: UUID, endpointClass: EndpointClass) async throws -> RequestPacer?
}

extension StoreSession {
    /// ``fetch(_:id:environmentId:forUpdate:)`` without a row lock.
    /// ``claimRun(owner:now:leaseUntil:perEnvironment:)`` with no bound per environment.
    public func claimRun(owner: String, now: Date, leaseUntil: Date) async throws -> ClaimedRun? {
        try await claimRun(owner: owner, now: now, leaseUntil: leaseUntil, perEnvironment: nil)
    }

    public func fetch<R: StoredResource>(_ type: R.Type, id: UUID, environmentId: UUID) async throws -> R? {
        try await fetch(type, id: id, environmentId: environmentId, forUpdate: false)
    }

    /// Fetches or throws the resource's 404.
    public func require<R: StoredResource>(_ type: R.Type, id: UUID, environmentId: UUID, forUpdate: Bool = false) async throws -> R {
        guard let r = try await fetch(type, id: id, environmentId: environmentId, forUpdate: forUpdate) else {
            throw SyncBridgeError.notFound(R.resourceName, id: id.lowercased)
        }
        return r
    }
}

/// What ``StoreSession/saveProgress(_:checkpoint:owner:leaseUntil:)`` did.
public enum ProgressSave: Sendable, Equatable {
    /// The progress is durable.
    case saved
    /// The run was stopped, finished, or deleted meanwhile: its executor ends without a word.
    case stopped
    /// Another process holds the run's lease now.
    case leaseLost
}
