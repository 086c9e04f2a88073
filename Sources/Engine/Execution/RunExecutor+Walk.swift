import Connectors
import Foundation
import SyncBridgeCore

/// The resource walk: roots in declaration order; each page delivered, then each of its records' dependents run,
/// then the next page. Only the current page of each level is in memory.
extension RunExecutor {
    func walk() async throws {
        let base = RunScope(args: run.settings.args, previousRunDate: position.previousRunDate, run: run.apiJSON)
        let resume = position.frames
        var skipping = resume.first.map(\.resource)
        position.frames = []
        for root in graph.roots {
            if let target = skipping {
                if root != target { continue }
                skipping = nil
                try await walk(resource: root, scope: base, depth: 0, resume: resume[...])
            } else {
                try await walk(resource: root, scope: base, depth: 0, resume: [])
            }
        }
    }

    /// Walks one resource (every loop element, every page), and its dependents per record.
    func walk(resource index: Int, scope: RunScope, depth: Int, resume: ArraySlice<RunPosition.Frame>) async throws {
        let step = job.resources[index]
        let scope = scope.with(previousRunDate: position.previousRunDate(for: step.resource))
        var frame = resume.first ?? RunPosition.Frame(resource: index)
        var deeper = resume.dropFirst()
        position.frames.removeSubrange(min(depth, position.frames.count)...)
        position.frames.append(frame)
        defer { position.frames.removeLast() }
        let children = graph.children(of: index)
        let deliver = step.persist ?? true
        let loop = try loopElements(step, scope: scope)

        while frame.loop < (loop?.elements.count ?? 1) {
            let iterationScope = loop.map { scope.binding(loopPath: $0.path, to: $0.elements[frame.loop]) } ?? scope
            // A leaf's next page is asked for while its current page is delivered.
            var ahead: PageAhead?
            pages: while true {
                var records: [JSONValue] = []
                if !frame.loaded {
                    if services.configuration.crashBeforeFetching == step.resource {
                        // Test-only (see EngineConfiguration.crashBeforeFetching): what a crash in a run looks like.
                        fatalError("SYNCBRIDGE_TEST_CRASH_BEFORE_FETCHING: \(step.resource)")
                    }
                    let early = ahead
                    ahead = nil
                    guard let page = try await fetchPage(step, scope: iterationScope, cursor: frame.cursor, early: early) else { break pages }
                    records = page.records
                    frame.loaded = true
                    frame.next = page.nextCursor
                    frame.poll = page.pollCursor
                    frame.record = 0
                    frame.child = 0
                    position.frames[depth] = frame
                    count(step.resource, "pages")
                    count(step.resource, "fetched", records.count)
                    if deliver && !records.isEmpty {
                        count(step.resource, "delivered", records.count)
                        let payload = recordPayload(step, records: records, frame: frame, scope: iterationScope)
                        ahead = try await send(.syncJobRunRecord, payload, fetchingAhead: step, scope: iterationScope, next: children.isEmpty ? frame.next : nil)
                    } else {
                        try await save()
                    }
                } else if !children.isEmpty {
                    // Resumed after an interruption: this page was delivered; fetch it again for its dependents.
                    guard let page = try await fetchPage(step, scope: iterationScope, cursor: frame.cursor) else { break pages }
                    records = page.records
                }
                while !children.isEmpty && frame.record < records.count {
                    let recordScope = iterationScope.binding(record: records[frame.record], of: step.resource)
                    while frame.child < children.count {
                        position.frames[depth] = frame
                        let child = children[frame.child]
                        let childResume = deeper.first?.resource == child ? deeper : []
                        deeper = []
                        try await walk(resource: child, scope: recordScope, depth: depth + 1, resume: childResume)
                        frame.child += 1
                    }
                    frame.record += 1
                    frame.child = 0
                    position.frames[depth] = frame
                }
                var following = frame.next
                if following == nil, depth == 0, run.settings.mode == .continuous, let poll = frame.poll {
                    // Caught up: wait, then ask the export for what changed since the last page.
                    try await pollingPause()
                    following = poll
                }
                guard let next = following else { break pages }
                frame.cursor = next
                frame.next = nil
                frame.poll = nil
                frame.loaded = false
                frame.page += 1
                frame.record = 0
                frame.child = 0
                position.frames[depth] = frame
            }
            frame.loop += 1
            frame.cursor = nil
            frame.next = nil
            frame.poll = nil
            frame.loaded = false
            frame.page = 1
            frame.record = 0
            frame.child = 0
            position.frames[depth] = frame
        }
    }

    /// A continuous run's wait between polls, in slices that keep the lease renewed and notice a stop request.
    func pollingPause() async throws {
        let slice = max(0.05, min(run.settings.pollingPeriod, services.configuration.leaseDuration / 3))
        var left = run.settings.pollingPeriod
        while left > 0 {
            try await Task.sleep(for: .milliseconds(Int64(min(slice, left) * 1000)))
            left -= slice
            try await save()
        }
    }

    /// The `sync_job_run:record` payload for one page.
    func recordPayload(_ step: SyncJobResource, records: [JSONValue], frame: RunPosition.Frame, scope: RunScope) -> JSONValue {
        var parent: JSONValue = .null
        if let dependsOn = step.dependsOn {
            let path = (["resources"] + dependsOn.split(separator: "/").map(String.init)).joined(separator: ".")
            let record = scope.value.value(atPath: path)
            parent = ["resource": .string(dependsOn), "id": record?["id"] ?? .null]
        }
        return payload([
            "resource": .string(step.resource),
            "method": .string(step.method),
            "records": .array(records),
            "meta": [
                "page": .number(Double(frame.page)),
                "next_cursor": frame.next.map(JSONValue.string) ?? .null,
                "is_last_page": .bool(frame.next == nil),
                "parent": parent,
            ],
        ])
    }

    /// The elements `loop_on` names, with the placeholder path each is bound to; nil when the step has no loop.
    /// A missing or null value loops over nothing; a single value loops once.
    func loopElements(_ step: SyncJobResource, scope: RunScope) throws -> (path: String, elements: [JSONValue])? {
        guard let loopOn = step.loopOn else { return nil }
        guard let template = try? Template(parsing: loopOn), let placeholder = template.wholePlaceholder else {
            throw RunInterruption.failed("\(step.resource): loop_on must be one placeholder, like {{args.ticket_ids}}")
        }
        let path = placeholder.alternatives.first { scope.value.value(atPath: $0).map { !$0.isNull } ?? false } ?? placeholder.alternatives[0]
        switch placeholder.resolve(in: scope.value) {
        case nil, .null?: return (path, [])
        case .array(let elements)?: return (path, elements)
        case let single?: return (path, [single])
        }
    }
}
