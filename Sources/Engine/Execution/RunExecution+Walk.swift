import Connectors
import Foundation
import SyncBridgeCore

/// The walk: the executor performs the steps ``RunWalker`` hands out, and saves the position after each
/// acknowledged page.
extension RunExecution {
    func walk() async throws {
        let base = RunScope(args: run.settings.args, previousRunDate: position.previousRunDate, run: run.apiJSON)
        var walker = RunWalker(
            resources: prepared.job.resources, graph: prepared.graph, base: base, dates: position,
            continuous: run.settings.mode == .continuous, resume: position.frames
        )
        let source = self.source
        try await withThrowingTaskGroup(of: (Int, Result<ConnectorPage, ConnectorError>).self) { group in
            // The first attempts at the dependents' requests the walk makes next, in flight while it goes on.
            var ahead = DependentPrefetch(limit: dependentConcurrency)
            // The first attempt at the next fetch, made early (beside a delivery or a save).
            var early: PageAhead?
            while true {
                let step = try walker.next()
                position.frames = walker.frames
                switch step {
                case .finished:
                    group.cancelAll()
                    return
                case .pause:
                    try await pollingPause()
                case .checkpoint:
                    walker.acknowledged()
                    try await save()
                case .deliver(let page):
                    // A page whose records have dependents puts new requests ahead of the walk.
                    if !prepared.graph.children(of: page.resource).isEmpty { launchAhead(walker, &ahead, &group, source) }
                    let resource = prepared.job.resources[page.resource]
                    count(resource.resource, "delivered", page.records.count)
                    early = try await write(page, payload: recordPayload(page), fetchingAhead: page.ahead)
                    walker.acknowledged()
                case .fetch(let fetch):
                    let resource = prepared.job.resources[fetch.resource]
                    if fetch.purpose == .page, services.configuration.crashBeforeFetching == resource.resource {
                        // Test-only (see EngineConfiguration.crashBeforeFetching): what a crash in a run looks like.
                        fatalError("SYNCBRIDGE_TEST_CRASH_BEFORE_FETCHING: \(resource.resource)")
                    }
                    // The request, rendered once for everything below.
                    let request = Result { () throws(ConnectorError) in try connectorRequest(resource, scope: fetch.scope, cursor: fetch.cursor) }
                    // Taken before planning, which drops what is no longer ahead of the walk.
                    var first: Result<ConnectorPage, ConnectorError>?
                    if case .success(let r) = request, !ahead.isEmpty { first = try await take(r, from: &ahead, group: &group) }
                    launchAhead(walker, &ahead, &group, source)
                    if first == nil { first = early?.result(for: fetch) }
                    early = nil
                    if first == nil { first = try await attemptWhileSaving(fetch, request: try? request.get())?.outcome }
                    let page = try await fetchPage(resource, request: request, early: first)
                    walker.received(page)
                    position.frames = walker.frames
                    if let page, fetch.purpose == .page {
                        count(resource.resource, "pages")
                        count(resource.resource, "fetched", page.records.count)
                    }
                }
            }
        }
    }

    /// Starts the attempts at the requests the walk makes next that are not in flight yet (while fewer than the
    /// limit are). Called only where that set can change: at a fetch, or delivering a page with dependents.
    func launchAhead(
        _ walker: RunWalker, _ ahead: inout DependentPrefetch,
        _ group: inout ThrowingTaskGroup<(Int, Result<ConnectorPage, ConnectorError>), any Error>,
        _ source: any PageSource
    ) {
        guard ahead.limit > 1 else { return }
        for launch in ahead.plan(upcomingRequests(walker, limit: ahead.limit), waits: rateLimitWaits) {
            group.addTask { (launch.serial, await source.attempt(launch.request)) }
        }
    }

    /// Requests in flight ahead of the walk: the engine's setting, lowered by the job's `concurrency`.
    var dependentConcurrency: Int {
        min(services.configuration.dependentConcurrency, prepared.job.concurrency ?? .max)
    }

    /// The requests of ``RunWalker/upcomingFetches(limit:)``, rendered; one that cannot be rendered is left for the walk
    /// to report in its turn.
    func upcomingRequests(_ walker: RunWalker, limit: Int) -> [ConnectorRequest] {
        walker.upcomingFetches(limit: limit).compactMap {
            try? connectorRequest(prepared.job.resources[$0.resource], scope: $0.scope, cursor: $0.cursor)
        }
    }

    /// The answer to `request` if it was made ahead, waiting for it when it is still in flight.
    func take(
        _ request: ConnectorRequest, from ahead: inout DependentPrefetch,
        group: inout ThrowingTaskGroup<(Int, Result<ConnectorPage, ConnectorError>), any Error>
    ) async throws -> Result<ConnectorPage, ConnectorError>? {
        while true {
            switch ahead.take(request, waits: rateLimitWaits) {
            case .none: return nil
            case .ready(let answer): return answer
            case .pending:
                guard let (serial, answer) = try await group.next() else { return nil }
                ahead.finished(serial, answer)
            }
        }
    }

    /// A continuous run's wait between polls, in slices that keep the lease renewed and notice a stop request.
    func pollingPause() async throws {
        let slice = max(0.05, min(run.settings.pollingPeriod, services.configuration.leaseDuration / 3))
        var left = run.settings.pollingPeriod
        while left > 0 {
            try await services.clock.sleep(for: .milliseconds(Int64(min(slice, left) * 1000)))
            left -= slice
            try await save()
        }
    }

    /// The `sync_job_run:record` payload for one page.
    func recordPayload(_ page: RunWalker.Delivery) -> JSONValue {
        let step = prepared.job.resources[page.resource]
        return payload([
            "resource": .string(step.resource),
            "method": .string(step.method),
            "records": .array(page.records),
            "meta": [
                "page": .number(Double(page.page)),
                "next_cursor": page.nextCursor.map(JSONValue.string) ?? .null,
                "is_last_page": .bool(page.nextCursor == nil),
                "parent": page.parent,
            ],
        ])
    }
}
