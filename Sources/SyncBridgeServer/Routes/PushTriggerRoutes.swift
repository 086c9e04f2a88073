import Accounts
import Connectors
import Foundation
import Hummingbird
import Runs
import Storage
import SyncBridgeCore

/// `/sync-job-push-trigger`: runs a job for an account when the provider notifies a change (see
/// ``SyncJobPushTrigger``). Creating one registers SyncBridge with the provider; deleting it deregisters. Members:
/// `sync_job_id`, `integrated_account_id`, `webhook_id`, a run's `args`, `error_handling`, `ignore_previous_run`, and
/// `debounce_seconds` (default 5), `max_delay_seconds` (default 60), `safety_net_cron` (UTC, optional), `status`.
struct PushTriggerRoutes {
    let api: APIServices

    static let fields: Set<String> = [
        "sync_job_id", "integrated_account_id", "webhook_id", "args", "error_handling", "ignore_previous_run", "debounce_seconds",
        "max_delay_seconds", "safety_net_cron", "status",
    ]
    static let updatable: Set<String> = [
        "args", "error_handling", "ignore_previous_run", "debounce_seconds", "max_delay_seconds", "safety_net_cron", "status",
    ]

    func register(_ r: RouteRegistrar) {
        r.add(.post, "/sync-job-push-trigger") { request, context in try await create(request, context) }
        r.add(.get, "/sync-job-push-trigger") { request, context in try await api.list(SyncJobPushTrigger.self, request, context) }
        r.add(.get, "/sync-job-push-trigger/:id") { _, context in try await api.get(SyncJobPushTrigger.self, context) }
        r.add(.patch, "/sync-job-push-trigger/:id") { request, context in try await update(request, context) }
        r.add(.delete, "/sync-job-push-trigger/:id") { _, context in try await delete(context) }
    }

    struct Input {
        var job: UUID?, account: UUID?, webhook: UUID?, args: [String: JSONValue]?, handling: ErrorHandling?, ignore: Bool?
        var debounce: Double?, maxDelay: Double?, safetyNet: JSONValue?, status: SyncJobPushTrigger.Status?

        init(_ reader: FieldReader, creating: Bool) {
            job = reader.uuid("sync_job_id", required: creating)
            account = reader.uuid("integrated_account_id", required: creating)
            webhook = reader.uuid("webhook_id", required: creating)
            args = reader.object("args")
            handling = reader.oneOf("error_handling", ErrorHandling.allCases.map(\.rawValue)).flatMap(ErrorHandling.init(rawValue:))
            ignore = reader.bool("ignore_previous_run")
            debounce = Self.seconds(reader, "debounce_seconds", within: 0...3600)
            maxDelay = Self.seconds(reader, "max_delay_seconds", within: 1...86_400)
            safetyNet = reader.value("safety_net_cron")
            if let s = safetyNet, !s.isNull, s.stringValue == nil {
                reader.failures.add(reader.path("safety_net_cron"), "must be a cron expression or null")
            }
            status = reader.oneOf("status", SyncJobPushTrigger.Status.allCases.map(\.rawValue)).flatMap(SyncJobPushTrigger.Status.init(rawValue:))
        }

        static func seconds(_ reader: FieldReader, _ key: String, within range: ClosedRange<Double>) -> Double? {
            guard let v = reader.present(key) else { return nil }
            guard let n = v.numberValue, range.contains(n) else {
                reader.failures.add(reader.path(key), "must be a number of seconds from \(Int(range.lowerBound)) to \(Int(range.upperBound))")
                return nil
            }
            return n
        }

        func apply(to t: inout SyncJobPushTrigger, now: Date, failures: FailureCollector) {
            if let args { t.settings.args = args }
            if let handling { t.settings.errorHandling = handling }
            if let ignore { t.settings.ignorePreviousRun = ignore }
            if let debounce { t.debounceSeconds = debounce }
            if let maxDelay { t.maxDelaySeconds = maxDelay }
            if let status { t.status = status }
            if let safetyNet {
                t.safetyNetCron = safetyNet.stringValue
                t.nextSafetyNetAt = nil
                if let expression = t.safetyNetCron {
                    t.nextSafetyNetAt = CronSchedule.read(expression: expression, timezone: nil, failures: failures)?.next(after: now)
                }
            }
            if t.maxDelaySeconds < t.debounceSeconds { failures.add("max_delay_seconds", "must not be shorter than debounce_seconds") }
            t.reschedule()
        }
    }

    /// What the trigger's runs would point at must be valid, as for a run (``RunReferences``); returns the account.
    static func check(_ t: SyncJobPushTrigger, session: any StoreSession, connectors: IntegrationRegistry) async throws -> IntegratedAccount {
        let refs = try await RunReferences.check(t.settings, environmentId: t.environmentId, session: session, connectors: connectors)
        try refs.throwIfInvalid()
        guard let account = refs.account else { throw SyncBridgeError.incompleteBody }
        return account
    }

    func notifier(for account: IntegratedAccount) throws -> any ChangeNotifications {
        guard let notifier = api.connectors.connector(for: account.integrationName) as? any ChangeNotifications else {
            throw SyncBridgeError(
                .badRequest, code: "push_not_supported", message: "'\(account.integrationName)' cannot notify SyncBridge of changes.")
        }
        return notifier
    }

    /// Where the provider posts notifications for a trigger.
    func endpoint(_ id: UUID, request: Request) -> String {
        let base = api.publicBase(request)
        return (base.hasSuffix("/") ? String(base.dropLast()) : base) + "/inbound/push/\(id.lowercased)"
    }

    func create(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let env = try context.requireEnvironment()
        let input = try await api.input(request, fields: Self.fields, nullable: ["safety_net_cron"]) { Input($0, creating: true) }
        guard let job = input.job, let accountId = input.account, let webhook = input.webhook else { throw SyncBridgeError.incompleteBody }
        let failures = FailureCollector()
        let now = api.now
        var trigger = SyncJobPushTrigger(
            environmentId: env, settings: RunSettings(syncJobId: job, integratedAccountId: accountId, webhookId: webhook),
            createdAt: now, updatedAt: now
        )
        input.apply(to: &trigger, now: now, failures: failures)
        try failures.throwIfAny()
        let draft = trigger
        let account = try await api.store.transaction { try await Self.check(draft, session: $0, connectors: api.connectors) }
        guard account.status == .active else {
            throw SyncBridgeError(.conflict, code: "integrated_account_not_active", message: "Integrated account is '\(account.status.rawValue)'.")
        }
        let notifier = try notifier(for: account)
        if let problem = notifier.registrationProblem(account) {
            throw SyncBridgeError.validation([FieldFailure(path: "integrated_account_id", message: problem)])
        }
        // The provider call happens outside any transaction; if storing fails afterwards, the registration is undone.
        let registration: PushRegistration
        let live: ConnectorAccount
        do throws(ConnectorError) {
            live = try await api.tokens.current(account, logger: context.logger)
            registration = try await notifier.registerNotifications(
                endpoint: endpoint(trigger.id, request: request), name: "SyncBridge push trigger \(trigger.id.lowercased)",
                account: live, logger: context.logger
            )
        } catch {
            throw LiveAPIRoutes.translate(error)
        }
        trigger.registration = registration.ids
        trigger.signingSecret = registration.signingSecret
        let created = trigger
        do {
            try await api.store.transaction { try await $0.insert(created) }
        } catch {
            try? await notifier.deregisterNotifications(registration.ids, account: live, logger: context.logger)
            throw error
        }
        return JSONResponse.make(created.apiJSON, status: .created)
    }

    func update(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let env = try context.requireEnvironment()
        let id = try api.pathId(context, SyncJobPushTrigger.self)
        let failures = FailureCollector()
        let reader = FieldReader(try await api.body(request), failures: failures)
        reader.rejectUnknown(Self.updatable)
        reader.refuseNulls(except: ["safety_net_cron"])
        let input = Input(reader, creating: false)
        try failures.throwIfAny()
        let now = api.now
        let trigger = try await api.store.transaction { session in
            var trigger = try await session.require(SyncJobPushTrigger.self, id: id, environmentId: env, forUpdate: true)
            input.apply(to: &trigger, now: now, failures: failures)
            try failures.throwIfAny()
            trigger.updatedAt = now
            _ = try await Self.check(trigger, session: session, connectors: api.connectors)
            try await session.update(trigger)
            return trigger
        }
        return JSONResponse.make(trigger.apiJSON)
    }

    /// Deregisters from the provider, then deletes. A provider failure (other than "already gone") keeps the trigger,
    /// so the registration is never orphaned.
    func delete(_ context: APIRequestContext) async throws -> Response {
        let env = try context.requireEnvironment()
        let id = try api.pathId(context, SyncJobPushTrigger.self)
        let trigger = try await api.store.transaction { try await $0.require(SyncJobPushTrigger.self, id: id, environmentId: env) }
        if let account = try await api.store.transaction({
            try await $0.fetch(IntegratedAccount.self, id: trigger.settings.integratedAccountId, environmentId: env)
        }) {
            let notifier = try notifier(for: account)
            do throws(ConnectorError) {
                try await notifier.deregisterNotifications(trigger.registration, account: ConnectorAccount(account), logger: context.logger)
            } catch {
                throw LiveAPIRoutes.translate(error)
            }
        }
        _ = try await api.store.transaction { try await $0.delete(SyncJobPushTrigger.self, id: id, environmentId: env) }
        return JSONResponse.deleted(id.lowercased)
    }
}
