import Foundation
import JSONCore

/// The sandbox's request pipeline: admin API, authentication, rate limits, injected faults, then the Zendesk route.
struct SandboxAPI: Sendable {
    let state: SandboxState
    let notifier: WebhookNotifier

    var configuration: SandboxConfiguration { state.configuration }

    func handle(_ r: SandboxRequest, path: String, now: Int64, base: String) async -> SandboxResponse {
        if r.segments.first == "__sandbox" {
            return AdminRoutes(state: state).handle(r, now: now)
        }
        var response: SandboxResponse
        do throws(SandboxError) {
            if !r.isAPI && r.segments.first == "oauth" {
                // The OAuth server authenticates clients by their secret (or PKCE), not by a bearer token.
                response = OAuthRoutes(state: state, request: r, now: now).handle()
                state.read { $0.stats.record(r, status: response.status, path: path) }
                return response
            }
            let role = try authenticate(r, now: now)
            try authorize(r, role: role)
            if let early = try admit(r, path: path, now: now) {
                response = early
            } else {
                response = try await route(r, now: now, base: base)
            }
        } catch {
            response = error.response
        }
        // One lock for everything the response still needs: limit headers, statistics, the jitter serial.
        let status = response.status
        let (settings, remaining, reset, serial) = state.read { s in
            s.stats.record(r, status: status, path: path)
            let remaining = s.settings.rateLimit > 0 ? max(0, s.settings.rateLimit - s.limiter.used) : nil
            return (s.settings, remaining, s.limiter.reset(now: now, window: Int64(s.settings.rateLimitWindow)), s.requestCount)
        }
        // Zendesk's limits are per minute: a shortened window advertises its limit as the rate per minute it allows.
        let limit = settings.rateLimit > 0 ? settings.rateLimit * 60 / max(1, settings.rateLimitWindow) : 700
        if !response.headers.contains(where: { $0.0.lowercased() == "content-type" }) {
            response.headers.append(("Content-Type", "application/json; charset=utf-8"))
        }
        response.headers += [
            ("X-Rate-Limit", String(limit)),
            ("X-Rate-Limit-Remaining", String(remaining ?? limit)), ("ratelimit-limit", String(limit)),
            ("ratelimit-remaining", String(remaining ?? limit)), ("ratelimit-reset", String(reset)),
        ]
        let delay = settings.latency(path: path) + (settings.jitterMs > 0 ? state.random.int(2, serial, below: settings.jitterMs) : 0)
        if delay > 0 { try? await Task.sleep(for: .milliseconds(delay)) }
        return response
    }

    /// Basic `{email}/token:{api_token}` or Bearer `{oauth token}`, as Zendesk checks them; returns the role of the
    /// user the request acts as. The API token is the account's, so any user's e-mail with it acts as that user. An
    /// OAuth access token must be live on the virtual clock (not expired, revoked or rotated away) and its scopes
    /// must allow the method (`read` tokens get 403 on writes).
    func authenticate(_ r: SandboxRequest, now: Int64) throws(SandboxError) -> String {
        let unauthorized = SandboxError(status: 401, error: "Couldn't authenticate you", description: nil)
        guard let header = r.authorization else { throw unauthorized }
        if header.hasPrefix("Bearer ") {
            let token = String(header.dropFirst(7))
            if token == configuration.oauthToken { return "admin" }
            let allowed = try state.withLock { s throws(SandboxError) -> Bool in
                guard var grant = s.oauth.grants[token], grant.isValid(at: now) else { throw unauthorized }
                grant.usedAt = now
                s.oauth.grants[token] = grant
                return grant.allows(method: r.method)
            }
            guard allowed else {
                throw SandboxError(status: 403, error: "Forbidden", description: "The access token's scopes do not allow this request.")
            }
            return "admin"
        }
        guard header.hasPrefix("Basic "), let data = Data(base64Encoded: String(header.dropFirst(6))),
            let credentials = String(data: data, encoding: .utf8), let separator = credentials.range(of: "/token:"),
            credentials[separator.upperBound...] == configuration.apiToken
        else { throw unauthorized }
        let email = String(credentials[..<separator.lowerBound])
        if email == configuration.adminEmail { return "admin" }
        guard let user = state.read({ $0.world.user(email: email) }), user.active else { throw unauthorized }
        return user.role
    }

    /// Admin-only endpoints (incremental exports, webhooks, triggers, imports) answer agents 403, as Zendesk does;
    /// end-users get 403 everywhere.
    func authorize(_ r: SandboxRequest, role: String) throws(SandboxError) {
        let forbidden = SandboxError(
            status: 403, error: "Forbidden",
            description: "You do not have access to this page. Please contact the account owner of this help desk for further help."
        )
        if role == "end-user" { throw forbidden }
        if role != "admin", ["incremental", "webhooks", "triggers", "imports"].contains(r.segments.first ?? "") { throw forbidden }
    }

    /// Rate limits and queued or random faults; a response when the request must not reach its route.
    func admit(_ r: SandboxRequest, path: String, now: Int64) throws(SandboxError) -> SandboxResponse? {
        let incremental = r.segments.first == "incremental"
        return try state.withLock { s throws(SandboxError) -> SandboxResponse? in
            s.requestCount += 1
            if let fault = s.faults.take(path: path) {
                if fault.drop {
                    return SandboxResponse(status: 200, body: Array(#"{"tickets":[{"id":1,"subject":"dro"#.utf8), dropConnection: true)
                }
                if fault.malformed {
                    return SandboxResponse(status: 200, body: Array(#"{"tickets":[{"id":1,"subject":"trunc"#.utf8))
                }
                var headers: [(String, String)] = []
                if fault.status == 429 || fault.status == 503 { headers.append(("Retry-After", String(fault.retryAfter))) }
                throw SandboxError(
                    status: fault.status, error: fault.status == 429 ? "TooManyRequests" : "ServerError", description: "Injected fault",
                    headers: headers)
            }
            let (retry, _) = s.limiter.admit(
                now: now, incremental: incremental, limit: s.settings.rateLimit, incrementalLimit: s.settings.incrementalRateLimit,
                window: Int64(s.settings.rateLimitWindow)
            )
            s.stats.arrived(at: state.preciseNow(), path: path, admitted: retry == nil)
            if let retry {
                throw SandboxError(
                    status: 429, error: "TooManyRequests", description: "Rate limit exceeded", headers: [("Retry-After", String(retry))])
            }
            if s.settings.errorRate > 0 && state.random.unit(1, s.requestCount) < s.settings.errorRate {
                let status = [500, 502, 503][state.random.int(3, s.requestCount, below: 3)]
                throw SandboxError(
                    status: status, error: "ServerError", description: "Injected fault", headers: status == 503 ? [("Retry-After", "1")] : [])
            }
            return nil
        }
    }

    func route(_ r: SandboxRequest, now: Int64, base: String) async throws(SandboxError) -> SandboxResponse {
        let s = r.segments
        let context = RouteContext(state: state, request: r, now: now, base: base)
        switch (r.method, s.first ?? "") {
        case (_, "tickets"): return try await TicketRoutes(context: context, notifier: notifier).handle()
        case (_, "users"): return try await UserRoutes(context: context, notifier: notifier).handle()
        case (_, "organizations"): return try await OrganizationRoutes(context: context, notifier: notifier).handle()
        case ("GET", "incremental"): return try IncrementalRoutes(context: context).handle()
        case ("GET", "search"): return try SearchRoutes(context: context).handle()
        case (_, "imports"), (_, "job_statuses"): return try await BulkRoutes(context: context, notifier: notifier).handle()
        case (_, "webhooks"), (_, "triggers"): return try await WebhookRoutes(context: context, notifier: notifier).handle()
        case ("GET", "tags"): return try OrganizationRoutes(context: context).tags()
        case ("GET", "ticket_audits"): return try ActivityRoutes(context: context).allAudits()
        case ("GET", "ticket_metrics"): return try ActivityRoutes(context: context).metrics()
        case ("GET", "groups"), ("GET", "ticket_fields"): return try ConfigurationRoutes(context: context).handle()
        case ("GET", let first) where AccountRoutes.collections.contains(first): return try AccountRoutes(context: context).handle()
        case (_, "oauth"): return try OAuthAdminRoutes(context: context).handle()
        default: throw SandboxError(status: 404, error: "InvalidEndpoint", description: "Not found")
        }
    }
}

/// What a route handler needs.
struct RouteContext: Sendable {
    let state: SandboxState
    let request: SandboxRequest
    let now: Int64
    let base: String

    var segments: [String] { request.segments }
    var method: String { request.method }

    /// The segment at `i` as an id, or a 404.
    func id(_ i: Int) throws(SandboxError) -> Int64 {
        guard i < segments.count, let id = Int64(segments[i]) else { throw SandboxError.notFound() }
        return id
    }
}
