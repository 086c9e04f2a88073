import Connectors
import SyncBridgeCore
import Testing

@testable import Engine

/// The walker with plain values: no sandbox, no database. A provider is a function of the request; a trace is what
/// the walker asked for, in order.
@Suite struct RunWalkerTests {
    /// Three levels: tickets (3 pages) → comments per ticket (2 pages for even tickets) → attachments per comment,
    /// one request per `attachment_ids` element (`loop_on`); then a second root that is fetched but not persisted.
    static let job: [SyncJobResource] = [
        SyncJobResource(resource: "tickets", method: "list"),
        SyncJobResource(resource: "comments", method: "list", dependsOn: "tickets"),
        SyncJobResource(resource: "attachments", method: "get", loopOn: "{{resources.comments.attachment_ids}}", dependsOn: "comments"),
        SyncJobResource(resource: "users", method: "list", persist: false),
    ]

    static func page(_ ids: [Int], next: String? = nil, poll: String? = nil, extra: (Int) -> [String: JSONValue] = { _ in [:] }) -> ConnectorPage {
        ConnectorPage(
            records: ids.map { id in .object(["id": .number(Double(id))].merging(extra(id)) { a, _ in a }) }, nextCursor: next, pollCursor: poll
        )
    }

    static func number(_ scope: RunScope, _ path: String) -> Int {
        Int(scope.value.value(atPath: path)?.numberValue ?? -1)
    }

    /// The provider of ``job``. `fail` names requests that fail for good (`record_error`, the walk goes on).
    static func provider(_ fetch: RunWalker.Fetch, resources: [SyncJobResource], fail: Set<String> = []) -> ConnectorPage? {
        if fail.contains(describe(fetch, resources: resources)) { return nil }
        switch resources[fetch.resource].resource {
        case "tickets":
            switch fetch.cursor {
            case nil: return page([1, 2], next: "t2")
            case "t2": return page([3, 4], next: "t3")
            default: return page([5, 6])
            }
        case "comments":
            let ticket = number(fetch.scope, "resources.tickets.id")
            // A comment's first attachment list has two ids, the others none.
            let attachments: (Int) -> [String: JSONValue] = { id in
                ["attachment_ids": id % 10 == 1 ? [.number(Double(id * 10 + 1)), .number(Double(id * 10 + 2))] : []]
            }
            if ticket % 2 == 1 { return page([ticket * 10 + 1], extra: attachments) }
            return fetch.cursor == nil
                ? page([ticket * 10 + 1, ticket * 10 + 2], next: "c2", extra: attachments) : page([ticket * 10 + 3], extra: attachments)
        case "attachments":
            return page([number(fetch.scope, "resources.comments.attachment_ids")])
        default:
            return fetch.cursor == nil ? page([7], next: "u2") : page([])
        }
    }

    /// `fetch comments@tickets=2 c2` and the like: what a request is, in a line.
    static func describe(_ fetch: RunWalker.Fetch, resources: [SyncJobResource]) -> String {
        let name = resources[fetch.resource].resource
        var parts = ["fetch", name]
        if name == "comments" { parts.append("@t\(number(fetch.scope, "resources.tickets.id"))") }
        if name == "attachments" { parts.append("@a\(number(fetch.scope, "resources.comments.attachment_ids"))") }
        parts.append(fetch.cursor ?? "-")
        if fetch.purpose == .dependents { parts.append("(again)") }
        return parts.joined(separator: " ")
    }

    static func ids(_ records: [JSONValue]) -> String {
        records.map { JSONValue.format(number: $0["id"]?.numberValue ?? 0) }.joined(separator: ",")
    }

    /// One step as the executor sees it, and the position saved when the step is done.
    struct Traced: Equatable, CustomStringConvertible {
        var step: String
        var frames: [RunPosition.Frame]
        var description: String { step }
    }

    static func walker(_ resources: [SyncJobResource] = job, resume: [RunPosition.Frame] = [], continuous: Bool = false) -> RunWalker {
        let graph = ResourceGraph(resources: resources, failures: FailureCollector())!
        let base = RunScope(args: [:], previousRunDate: "1970-01-01T00:00:00Z", run: [:])
        return RunWalker(
            resources: resources, graph: graph, base: base, dates: RunPosition(previousRunDate: "1970-01-01T00:00:00Z"), continuous: continuous,
            resume: resume
        )
    }

    /// Drives a walker to its end (or `pauses` pauses), recording each step with the frames as they stand before the
    /// step is performed (what a save during it records) — a fetch — or after it — a delivery or checkpoint.
    static func drive(
        _ walker: inout RunWalker, resources: [SyncJobResource] = job, fail: Set<String> = [], pauses: Int = 0,
        provider: (RunWalker.Fetch) -> ConnectorPage? = { provider($0, resources: job) }
    ) throws -> [Traced] {
        var trace: [Traced] = []
        var paused = 0
        while trace.count < 10_000 {
            let step = try walker.next()
            switch step {
            case .finished:
                return trace
            case .pause:
                trace.append(Traced(step: "pause", frames: walker.frames))
                paused += 1
                if paused > pauses { return trace }
            case .checkpoint:
                walker.acknowledged()
                trace.append(Traced(step: "checkpoint", frames: walker.frames))
            case .deliver(let page):
                walker.acknowledged()
                let parent = page.parent["id"].map { " parent \(JSONValue.format(number: $0.numberValue ?? 0))" } ?? ""
                let line =
                    "deliver \(resources[page.resource].resource) p\(page.page) [\(ids(page.records))]\(page.nextCursor == nil ? " last" : "")\(parent)"
                trace.append(Traced(step: line, frames: walker.frames))
            case .fetch(let fetch):
                let line = describe(fetch, resources: resources)
                trace.append(Traced(step: line, frames: walker.frames))
                walker.received(fail.contains(line) ? nil : provider(fetch))
            }
        }
        Issue.record("the walk did not end")
        return trace
    }

    @Test func walksTheTreeDepthFirstPageByPage() throws {
        var w = Self.walker()
        let steps = try Self.drive(&w).map(\.step)
        #expect(
            steps == [
                "fetch tickets -", "deliver tickets p1 [1,2]",
                "fetch comments @t1 -", "deliver comments p1 [11] last parent 1",
                "fetch attachments @a111 -", "deliver attachments p1 [111] last parent 11",
                "fetch attachments @a112 -", "deliver attachments p1 [112] last parent 11",
                "fetch comments @t2 -", "deliver comments p1 [21,22] parent 2",
                "fetch attachments @a211 -", "deliver attachments p1 [211] last parent 21",
                "fetch attachments @a212 -", "deliver attachments p1 [212] last parent 21",
                "fetch comments @t2 c2", "deliver comments p2 [23] last parent 2",
                "fetch tickets t2", "deliver tickets p2 [3,4]",
                "fetch comments @t3 -", "deliver comments p1 [31] last parent 3",
                "fetch attachments @a311 -", "deliver attachments p1 [311] last parent 31",
                "fetch attachments @a312 -", "deliver attachments p1 [312] last parent 31",
                "fetch comments @t4 -", "deliver comments p1 [41,42] parent 4",
                "fetch attachments @a411 -", "deliver attachments p1 [411] last parent 41",
                "fetch attachments @a412 -", "deliver attachments p1 [412] last parent 41",
                "fetch comments @t4 c2", "deliver comments p2 [43] last parent 4",
                "fetch tickets t3", "deliver tickets p3 [5,6] last",
                "fetch comments @t5 -", "deliver comments p1 [51] last parent 5",
                "fetch attachments @a511 -", "deliver attachments p1 [511] last parent 51",
                "fetch attachments @a512 -", "deliver attachments p1 [512] last parent 51",
                "fetch comments @t6 -", "deliver comments p1 [61,62] parent 6",
                "fetch attachments @a611 -", "deliver attachments p1 [611] last parent 61",
                "fetch attachments @a612 -", "deliver attachments p1 [612] last parent 61",
                "fetch comments @t6 c2", "deliver comments p2 [63] last parent 6",
                "fetch users -", "checkpoint", "fetch users u2", "checkpoint",
            ]
        )
    }

    /// The walker made from the position saved at any step delivers exactly what the uninterrupted walk delivered
    /// after that step, asks again only for pages it had delivered (for their dependents), and ends where it ended.
    @Test func resumesFromEveryPositionWithExactlyTheRemainingSteps() throws {
        var full = Self.walker()
        let trace = try Self.drive(&full)
        #expect(trace.count == 52)
        var positions = 0
        for (i, point) in trace.enumerated() {
            // A fetch's frames are the position before it; a delivery's or checkpoint's, the position after it.
            let done = point.step.hasPrefix("fetch") ? i : i + 1
            let remaining = trace[done...].map(\.step)
            var resumed = Self.walker(resume: point.frames)
            let again = try Self.drive(&resumed).map(\.step)
            let fresh = again.filter { !$0.hasSuffix("(again)") }
            #expect(fresh == remaining, "resumed after step \(i) (\(point.step)) from \(point.frames)")
            for line in again where line.hasSuffix("(again)") {
                let asked = String(line.dropLast(" (again)".count))
                #expect(trace[..<done].contains { $0.step == asked }, "\(line): a page asked for again must be one delivered before")
            }
            positions += 1
        }
        #expect(positions == trace.count)
    }

    @Test func aDependentPageRefetchedOnResumeOnlyFeedsTheRemainingRecords() throws {
        // Interrupted after comment 21's first attachment: comments page 1 of ticket 2 is asked for again, then the
        // walk goes on with attachment 212 — tickets page 1 is asked for again too (ticket 2's record).
        var full = Self.walker()
        let trace = try Self.drive(&full)
        let at = try #require(trace.firstIndex { $0.step == "deliver attachments p1 [211] last parent 21" })
        var resumed = Self.walker(resume: trace[at].frames)
        let steps = try Self.drive(&resumed).map(\.step)
        #expect(
            Array(steps.prefix(5)) == [
                "fetch tickets - (again)", "fetch comments @t2 - (again)", "fetch attachments @a212 -", "deliver attachments p1 [212] last parent 21",
                "fetch comments @t2 c2",
            ])
    }

    @Test func aFailedRequestSkipsToTheNextElementAndKeepsTheOrder() throws {
        var w = Self.walker()
        let steps = try Self.drive(&w, fail: ["fetch comments @t2 -", "fetch attachments @a311 -", "fetch tickets t3"]).map(\.step)
        let delivered = steps.filter { $0.hasPrefix("deliver") }
        #expect(!delivered.contains { $0.contains("parent 2") })  // ticket 2's comments were never fetched
        #expect(!delivered.contains { $0.contains("[311]") })
        #expect(delivered.contains("deliver attachments p1 [312] last parent 31"))  // the next loop element runs
        #expect(!delivered.contains { $0.hasPrefix("deliver tickets p3") })
        #expect(Array(steps.suffix(4)) == ["fetch users -", "checkpoint", "fetch users u2", "checkpoint"])
    }

    @Test func loopOnASingleValueLoopsOnceAndNullNotAtAll() throws {
        let resources = [
            SyncJobResource(resource: "one", method: "get", loopOn: "{{args.single}}"),
            SyncJobResource(resource: "none", method: "get", loopOn: "{{args.missing}}"),
            SyncJobResource(resource: "bad", method: "get", loopOn: "prefix {{args.single}}"),
        ]
        let graph = ResourceGraph(resources: resources, failures: FailureCollector())!
        var w = RunWalker(
            resources: Array(resources.prefix(2)), graph: ResourceGraph(resources: Array(resources.prefix(2)), failures: FailureCollector())!,
            base: RunScope(args: ["single": 5], previousRunDate: "x", run: [:]), dates: RunPosition(previousRunDate: "x"), continuous: false,
            resume: []
        )
        let steps = try Self.drive(&w, resources: Array(resources.prefix(2))) { _ in Self.page([1]) }.map(\.step)
        #expect(steps == ["fetch one -", "deliver one p1 [1] last"])
        var bad = RunWalker(
            resources: resources, graph: graph, base: RunScope(args: [:], previousRunDate: "x", run: [:]), dates: RunPosition(previousRunDate: "x"),
            continuous: false, resume: [RunPosition.Frame(resource: 2)]
        )
        #expect(throws: RunInterruption.failed("bad: loop_on must be one placeholder, like {{args.ticket_ids}}")) { try bad.next() }
    }

    @Test func continuousPollsTheRootAfterAPauseAndResumesIntoThePause() throws {
        let resources = [SyncJobResource(resource: "tickets", method: "list")]
        let provider: (RunWalker.Fetch) -> ConnectorPage? = { fetch in
            switch fetch.cursor {
            case nil: Self.page([1], next: "n2")
            case "n2": Self.page([2], poll: "q1")
            case "q1": Self.page([], poll: "q2")
            default: Self.page([3], poll: "q3")
            }
        }
        var w = Self.walker(resources, continuous: true)
        let trace = try Self.drive(&w, resources: resources, pauses: 2, provider: provider)
        #expect(
            trace.map(\.step) == [
                "fetch tickets -", "deliver tickets p1 [1]", "fetch tickets n2", "deliver tickets p2 [2] last", "pause", "fetch tickets q1",
                "checkpoint", "pause", "fetch tickets q2", "deliver tickets p4 [3] last", "pause",
            ]
        )
        // Saved during the second pause: a resumed run waits again, then polls where the pause would have.
        var resumed = Self.walker(resources, resume: trace[7].frames, continuous: true)
        let again = try Self.drive(&resumed, resources: resources, pauses: 1, provider: provider).map(\.step)
        #expect(again == ["pause", "fetch tickets q2", "deliver tickets p4 [3] last", "pause"])
    }

    @Test func aPageNotPersistedIsCheckpointedAndStillDrivesItsDependents() throws {
        let resources = [
            SyncJobResource(resource: "tickets", method: "list", persist: false),
            SyncJobResource(resource: "comments", method: "list", dependsOn: "tickets"),
        ]
        var w = Self.walker(resources)
        let steps = try Self.drive(&w, resources: resources) { fetch in
            resources[fetch.resource].resource == "tickets" ? Self.page([1, 2]) : Self.page([Self.number(fetch.scope, "resources.tickets.id") * 10])
        }.map(\.step)
        #expect(
            steps == [
                "fetch tickets -", "checkpoint", "fetch comments @t1 -", "deliver comments p1 [10] last parent 1", "fetch comments @t2 -",
                "deliver comments p1 [20] last parent 2",
            ])
    }

    @Test func aLeafsNextPageMayBeFetchedAheadAParentsMayNot() throws {
        var w = Self.walker()
        guard case .fetch = try w.next() else {
            Issue.record("expected a fetch")
            return
        }
        w.received(Self.page([1, 2], next: "t2"))
        guard case .deliver(let tickets) = try w.next() else {
            Issue.record("expected a delivery")
            return
        }
        #expect(tickets.ahead == nil)  // tickets have dependents: their next page comes after them
        let leaf = [SyncJobResource(resource: "tickets", method: "list")]
        var l = Self.walker(leaf)
        _ = try l.next()
        l.received(Self.page([1], next: "t2"))
        guard case .deliver(let page) = try l.next() else {
            Issue.record("expected a delivery")
            return
        }
        #expect(page.ahead?.cursor == "t2")
        // Asking again before answering hands out the same step.
        guard case .deliver(let same) = try l.next() else {
            Issue.record("expected the same delivery")
            return
        }
        #expect(same.page == page.page && same.records == page.records)
    }

    /// The dependents' first pages the walk will ask for next can be known before it asks: they are exactly the next
    /// first-page fetches of the walk, in order.
    @Test func upcomingDependentFetchesAreTheWalksNextFirstPages() throws {
        var full = Self.walker()
        let trace = try Self.drive(&full).map(\.step)
        var w = Self.walker()
        var checked = 0
        var index = 0
        while true {
            let step = try w.next()
            let upcoming = w.upcomingDependentFetches(limit: 3).map { Self.describe($0, resources: Self.job) }
            if !upcoming.isEmpty {
                // The next first-page fetches of dependent resources in the uninterrupted walk, from here on.
                let later = trace[index...].filter { $0.hasPrefix("fetch comments") || $0.hasPrefix("fetch attachments") }
                    .filter { $0.hasSuffix(" -") }
                // In the walk's order (deeper pages may come between them), and not one the walk has made already.
                var rest = later[...]
                let inOrder = upcoming.allSatisfy { want in
                    guard let at = rest.firstIndex(of: want) else { return false }
                    rest = rest[rest.index(after: at)...]
                    return true
                }
                #expect(inOrder, "at step \(index): \(upcoming) not in \(Array(later.prefix(6)))")
                checked += 1
            }
            switch step {
            case .finished:
                #expect(checked > 10)
                return
            case .pause: return
            case .checkpoint, .deliver: w.acknowledged()
            case .fetch(let fetch): w.received(Self.provider(fetch, resources: Self.job))
            }
            index += 1
        }
    }

    @Test func upcomingUnderATicketsPageAreItsCommentsThenTheirAttachments() throws {
        var w = Self.walker()
        _ = try w.next()
        w.received(Self.page([1, 2], next: "t2"))
        _ = try w.next()  // deliver tickets p1
        #expect(
            w.upcomingDependentFetches(limit: 5).map { Self.describe($0, resources: Self.job) } == ["fetch comments @t1 -", "fetch comments @t2 -"])
        w.acknowledged()
        guard case .fetch(let comments) = try w.next() else {
            Issue.record("expected the comments fetch")
            return
        }
        w.received(Self.provider(comments, resources: Self.job))
        _ = try w.next()  // deliver comments of ticket 1
        #expect(
            w.upcomingDependentFetches(limit: 5).map { Self.describe($0, resources: Self.job) } == [
                "fetch attachments @a111 -", "fetch attachments @a112 -",
            ])
        #expect(w.upcomingDependentFetches(limit: 1).count == 1)
        #expect(w.upcomingDependentFetches(limit: 0).isEmpty)
    }
}
