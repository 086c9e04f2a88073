import Foundation
import JSONCore
import SyncBridgeCore
import Synchronization

/// `/__sandbox/…`: statistics and runtime controls for tests (no authentication).
///
/// - `GET /__sandbox/stats`, `POST /__sandbox/stats/reset`
/// - `GET /__sandbox/arrivals`: when each rate-limited request arrived (virtual clock, with fractions) and whether it
///   was let through, since the last stats reset
/// - `GET /__sandbox/counts`: how many records each collection holds (what clients should read)
/// - `POST /__sandbox/settings {"rate_limit", "incremental_rate_limit", "rate_limit_window", "export_overlap", "latency_ms", "jitter_ms", "error_rate", "recent_window", "route_latency_ms": {"incremental": 500}}`
/// - `POST /__sandbox/faults {"status": 429, "count": 3, "path_contains": "incremental", "retry_after": 2, "malformed": false, "drop": false, "skip": 0}`:
///   `skip` matching requests pass first, then `count` fail
/// - `POST /__sandbox/fixtures {"organizations": […], "users": […], "tickets": […]}`: adds records, all or nothing
/// - `GET /__sandbox/clock`, `POST /__sandbox/clock {"advance_seconds": 3600}` or `{"now": "2030-01-01T00:00:00Z"}` or
///   `{"reset": true}`: the sandbox's virtual now (real time plus an offset)
struct AdminRoutes: Sendable {
    let state: SandboxState

    /// A whole number from a control body; nil for anything else (a fraction, 1e300, a string), never a trap.
    static func int(_ v: JSONValue?) -> Int? { v?.integerValue.flatMap { Int(exactly: $0) } }

    func handle(_ r: SandboxRequest, now: Int64) -> SandboxResponse {
        let s = Array(r.segments.dropFirst())
        switch (r.method, s.joined(separator: "/")) {
        case ("GET", "stats"):
            let cache = state.renderCache.statsJSON
            return .json(
                state.read { s in
                    s.stats.json.setting(["oauth"], to: s.oauth.statsJSON).setting(["render_cache"], to: cache)
                        .setting(["tickets_generated"], to: .number(Double(s.world.generator.ticketsGenerated.value)))
                })
        case ("GET", "arrivals"):
            return .json(state.read { $0.stats.arrivalsJSON })
        case ("GET", "counts"):
            return .json(state.read { $0.world }.counts(base: ""))
        case ("POST", "stats/reset"):
            state.read { s in
                s.stats = RequestStats()
                (s.oauth.issued, s.oauth.refreshes, s.oauth.refused) = ([:], [:], [:])
            }
            return .json(["reset": true])
        case ("GET", "clock"):
            return clock(now: now)
        case ("POST", "clock"):
            guard let o = (try? r.json())?.objectValue else { return SandboxError.invalid("body must be an object").response }
            let real = now - state.clockOffset.load(ordering: .relaxed)
            if o["reset"]?.boolValue == true {
                state.clockOffset.store(0, ordering: .relaxed)
            } else if let seconds = o["advance_seconds"]?.numberValue {
                state.clockOffset.add(Int64(seconds), ordering: .relaxed)
            } else if let text = o["now"]?.stringValue, let date = Timestamp.parse(text) {
                state.clockOffset.store(Int64(date.timeIntervalSince1970) - real, ordering: .relaxed)
            } else {
                return SandboxError.invalid("give advance_seconds, now (an ISO 8601 time) or reset").response
            }
            return clock(now: real + state.clockOffset.load(ordering: .relaxed))
        case ("POST", "fixtures"):
            do throws(SandboxError) {
                return .json(["created": try state.load(fixtures: try r.json(), now: now)], status: 201)
            } catch {
                return error.response
            }
        case ("GET", "health"):
            return .json(["status": "ok"])
        case ("POST", "settings"):
            guard let o = (try? r.json())?.objectValue else { return SandboxError.invalid("body must be an object").response }
            let settings = state.read { st -> RuntimeSettings in
                if let v = Self.int(o["rate_limit"]) { st.settings.rateLimit = v }
                if let v = Self.int(o["incremental_rate_limit"]) { st.settings.incrementalRateLimit = v }
                if let v = Self.int(o["rate_limit_window"]) { st.settings.rateLimitWindow = max(1, v) }
                if let v = Self.int(o["export_overlap"]) { st.settings.exportOverlap = max(0, v) }
                if let v = Self.int(o["latency_ms"]) { st.settings.latencyMs = v }
                if let v = Self.int(o["jitter_ms"]) { st.settings.jitterMs = v }
                if let v = o["error_rate"]?.numberValue { st.settings.errorRate = v }
                if let v = Self.int(o["recent_window"]) { st.settings.recentWindow = v }
                if let v = o["route_latency_ms"]?.objectValue { st.settings.routeLatencyMs = v.compactMapValues { Self.int($0) } }
                st.limiter = RateLimiter()
                return st.settings
            }
            return .json([
                "rate_limit": .number(Double(settings.rateLimit)), "incremental_rate_limit": .number(Double(settings.incrementalRateLimit)),
                "rate_limit_window": .number(Double(settings.rateLimitWindow)), "export_overlap": .number(Double(settings.exportOverlap)),
                "latency_ms": .number(Double(settings.latencyMs)), "error_rate": .number(settings.errorRate),
                "recent_window": .number(Double(settings.recentWindow)),
                "route_latency_ms": .object(settings.routeLatencyMs.mapValues { .number(Double($0)) }),
            ])
        case ("POST", "faults"):
            guard let o = (try? r.json())?.objectValue, let status = Self.int(o["status"]) else {
                return SandboxError.invalid("body must be an object with a status").response
            }
            let fault = FaultQueue.Fault(
                status: status, remaining: Self.int(o["count"]) ?? 1, pathContains: o["path_contains"]?.stringValue,
                retryAfter: Self.int(o["retry_after"]) ?? 1, malformed: o["malformed"]?.boolValue ?? false,
                drop: o["drop"]?.boolValue ?? false, skip: Self.int(o["skip"]) ?? 0
            )
            state.read { $0.faults.faults.append(fault) }
            return .json(["queued": .number(Double(fault.remaining))])
        default:
            return SandboxError(status: 404, error: "InvalidEndpoint", description: "Not found").response
        }
    }

    func clock(now: Int64) -> SandboxResponse {
        .json(["now": .string(Timestamp.formatSeconds(now)), "offset_seconds": .number(Double(state.clockOffset.load(ordering: .relaxed)))])
    }
}
