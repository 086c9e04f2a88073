import Connectors
import Foundation
import Hummingbird
import Storage
import SyncBridgeCore

/// `/integrated-account`: connections to customers' provider accounts.
///
/// An account whose context holds usable credentials is `active` at once (`integrated_account:created` and
/// `integrated_account:active` are emitted together); one created without them is `connecting` until a PATCH
/// supplies them. Secrets in `context` are split off, encrypted at rest and never returned.
struct IntegratedAccountRoutes {
    let api: APIServices

    static let createFields: Set<String> = ["integration_name", "tenant_id", "context"]
    static let updateFields: Set<String> = ["tenant_id", "context"]

    func register(_ r: RouteRegistrar) {
        r.add(.post, "/integrated-account") { request, context in try await create(request, context) }
        r.add(.get, "/integrated-account") { request, context in try await api.list(IntegratedAccount.self, request, context) }
        r.add(.get, "/integrated-account/:id") { _, context in try await api.get(IntegratedAccount.self, context) }
        r.add(.patch, "/integrated-account/:id") { request, context in try await update(request, context) }
        r.add(.delete, "/integrated-account/:id") { _, context in try await delete(context) }
        r.add(.post, "/integrated-account/:id/post-connect-form") { request, context in try await submitForm(request, context) }
    }

    func create(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let env = try context.requireEnvironment()
        let (name, tenant, given, integration) = try await api.input(request, fields: Self.createFields) {
            reader -> (String, String, [String: JSONValue], IntegrationDescriptor)? in
            let name = reader.string("integration_name", required: true)
            let tenant = reader.string("tenant_id", required: true)
            let given = reader.object("context") ?? [:]
            let integration = name.flatMap(api.connectors.descriptor(for:))
            if let name, integration == nil {
                reader.failures.add(
                    "integration_name", "'\(name)' is not a supported integration (supported: \(api.connectors.names.joined(separator: ", ")))")
            }
            guard let name, let tenant, let integration else { return nil }
            return (name, tenant, given, integration)
        }
        let (open, secret) = IntegratedAccount.split(context: given)
        let problems = integration.check(given)
        let now = api.now
        let account = IntegratedAccount(
            environmentId: env, integrationName: name, tenantId: tenant, context: open, credentials: secret,
            status: problems.isEmpty ? .active : .connecting,
            lastError: problems.isEmpty ? nil : problems.map { "\($0.path) \($0.message)" }.joined(separator: "; "),
            createdAt: now, updatedAt: now
        )
        try await api.store.transaction { session in
            try await session.insert(account)
            let events: [EventType] = account.status == .active ? [.integratedAccountCreated, .integratedAccountActive] : [.integratedAccountCreated]
            try await AccountEventRuns.announce(events, account: account, session: session, runs: api.runs, now: now)
        }
        return JSONResponse.make(api.connectors.render(account), status: .created)
    }

    func update(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let env = try context.requireEnvironment()
        let id = try api.pathId(context, IntegratedAccount.self)
        let failures = FailureCollector()
        let reader = FieldReader(try await api.body(request), failures: failures)
        reader.rejectUnknown(Self.updateFields)
        reader.refuseNulls()
        let tenant = reader.string("tenant_id")
        let given = reader.object("context")
        try failures.throwIfAny()
        let now = api.now
        let account = try await api.store.transaction { session in
            var account = try await session.require(IntegratedAccount.self, id: id, environmentId: env, forUpdate: true)
            let wasActive = account.status == .active
            if let tenant { account.tenantId = tenant }
            if let given {
                // Context members are merged: a PATCH that sends only a new api_token keeps the subdomain. null removes a member.
                var merged = account.fullContext
                for (key, value) in given {
                    if value.isNull { merged.removeValue(forKey: key) } else { merged[key] = value }
                }
                let problems = api.connectors.descriptor(for: account.integrationName)?.check(merged) ?? []
                (account.context, account.credentials) = IntegratedAccount.split(context: merged)
                account.status = problems.isEmpty ? .active : .connecting
                account.lastError = problems.isEmpty ? nil : problems.map { "\($0.path) \($0.message)" }.joined(separator: "; ")
            }
            account.updatedAt = now
            try await session.update(account)
            var events: [EventType] = [.integratedAccountUpdated]
            if !wasActive && account.status == .active { events.append(.integratedAccountActive) }
            try await AccountEventRuns.announce(events, account: account, session: session, runs: api.runs, now: now)
            return account
        }
        return JSONResponse.make(api.connectors.render(account))
    }

    /// The account's post-connect form was submitted: `{"values": {...}}` is merged into its context (the
    /// `post_connect_user_form` member), `integrated_account:post_connect_form_submitted` is sent, and event triggers
    /// listening for it create their runs.
    func submitForm(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let env = try context.requireEnvironment()
        let id = try api.pathId(context, IntegratedAccount.self)
        let values = try await api.input(request, fields: ["values"]) { $0.object("values", required: true) }
        let now = api.now
        let account = try await api.store.transaction { session in
            var account = try await session.require(IntegratedAccount.self, id: id, environmentId: env, forUpdate: true)
            guard account.status == .active else {
                throw SyncBridgeError(
                    .conflict, code: "integrated_account_not_active",
                    message: "Integrated account is '\(account.status.rawValue)'; its post-connect form can be submitted once it is active."
                )
            }
            var merged = account.fullContext
            merged["post_connect_user_form"] = .object(values)
            (account.context, account.credentials) = IntegratedAccount.split(context: merged)
            account.updatedAt = now
            try await session.update(account)
            let events: [EventType] = [.integratedAccountPostConnectFormSubmitted]
            try await AccountEventRuns.announce(events, account: account, session: session, runs: api.runs, now: now)
            return account
        }
        return JSONResponse.make(api.connectors.render(account))
    }

    func delete(_ context: APIRequestContext) async throws -> Response {
        let env = try context.requireEnvironment()
        let id = try api.pathId(context, IntegratedAccount.self)
        let now = api.now
        try await api.store.transaction { session in
            let account = try await session.require(IntegratedAccount.self, id: id, environmentId: env, forUpdate: true)
            try await InUseCheck.ensureUnused(
                column: "integrated_account_id", id: id, environmentId: env, session: session, code: "integrated_account_in_use",
                noun: "Integrated account"
            )
            try await session.enqueue(
                AccountEvents.outbox(
                    [.integratedAccountDeleted], account: account, payload: api.connectors.render(account), session: session, now: now))
            _ = try await session.delete(IntegratedAccount.self, id: id, environmentId: env)
        }
        return JSONResponse.deleted(id.lowercased)
    }
}
