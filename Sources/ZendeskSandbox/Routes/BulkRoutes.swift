import Foundation
import JSONCore
import SyncBridgeCore

/// Bulk creation and imports (≤ 100 tickets per call, answered with a job status) and `/job_statuses`.
struct BulkRoutes: Sendable {
    let context: RouteContext
    let notifier: WebhookNotifier

    var state: SandboxState { context.state }
    var r: SandboxRequest { context.request }

    func handle() async throws(SandboxError) -> SandboxResponse {
        let s = context.segments
        switch (context.method, s.first, s.count) {
        case ("POST", "imports", 2) where s[1] == "tickets": return try await importOne()
        case ("POST", "imports", 3) where s[1] == "tickets" && s[2] == "create_many": return try await createMany(importing: true)
        case ("GET", "job_statuses", 2) where s[1] == "show_many":
            let ids = (r.query["ids"] ?? "").split(separator: ",").map(String.init)
            let jobs = state.read { st in ids.compactMap { id -> JSONValue? in Self.poll(&st, id).map { $0.json(base: context.base) } } }
            return .json(["job_statuses": .array(jobs)])
        case ("GET", "job_statuses", 2):
            guard let job = state.read({ Self.poll(&$0, s[1]) }) else { throw SandboxError.notFound() }
            return .json(["job_status": job.json(base: context.base)])
        default:
            throw SandboxError(status: 404, error: "InvalidEndpoint", description: "Not found")
        }
    }

    /// Each poll moves a job one step: queued (at creation) → working → completed.
    static func poll(_ s: inout SandboxState.Inner, _ id: String) -> JobStatus? {
        guard var job = s.jobs[id] else { return nil }
        job.polls += 1
        s.jobs[id] = job
        return job
    }

    func importOne() async throws(SandboxError) -> SandboxResponse {
        guard let o = try r.json()["ticket"]?.objectValue else { throw SandboxError.invalid("Request body must contain a ticket object") }
        let t = try state.withLock { s throws(SandboxError) -> Ticket in try s.world.createTicket(o, now: s.changeTime(context.now), importing: true)
        }
        var w = JSONWriter()
        w.beginObject()
        w.key("ticket")
        t.write(to: &w, base: context.base, export: false)
        w.endObject()
        return .json(w, status: 201)
    }

    /// `create_many` and `imports/tickets/create_many`: the tickets are created at once (so exports see them), the
    /// job reports per-item results as Zendesk's does.
    func createMany(importing: Bool) async throws(SandboxError) -> SandboxResponse {
        guard let list = try r.json()["tickets"]?.arrayValue else { throw SandboxError.invalid("Request body must contain a tickets array") }
        guard !list.isEmpty, list.count <= 100 else {
            throw SandboxError(status: 400, error: "InvalidValue", description: "Too many tickets: at most 100 per request (got \(list.count))")
        }
        let (job, created) = state.read { s -> (JobStatus, [Ticket]) in
            var results: [JSONValue] = []
            var created: [Ticket] = []
            for (i, item) in list.enumerated() {
                do throws(SandboxError) {
                    guard let o = item.objectValue else { throw SandboxError.invalid("not an object") }
                    let t = try s.world.createTicket(o, now: s.changeTime(context.now), importing: importing)
                    created.append(t)
                    results.append(["index": .number(Double(i)), "id": .number(Double(t.id)), "success": true])
                } catch {
                    results.append(["index": .number(Double(i)), "error": .string(error.error), "details": .string(error.description ?? "")])
                }
            }
            let id = String(format: "%016llx%016llx", state.random.value(9, s.requestCount), state.random.value(10, s.requestCount))
            let job = JobStatus(id: id, jobType: importing ? "Bulk Import Tickets" : "Bulk Create Tickets", total: list.count, results: results)
            s.jobs[id] = job
            return (job, created)
        }
        if !importing { for t in created { await notifier.ticketChanged(t, created: true, state: state, base: context.base) } }
        return .json(["job_status": job.json(base: context.base)])
    }
}
