import Connectors
import SyncBridgeCore

extension RunWalker {
    /// What the executor does next. After a ``fetch``, it reports the outcome with ``RunWalker/received(_:)``; after a
    /// ``deliver`` or ``checkpoint``, it calls ``RunWalker/acknowledged()`` once the page is delivered (or the position
    /// saved); after a ``pause``, it waits the polling period and asks again.
    enum Step: Sendable {
        /// Ask the provider for a page.
        case fetch(Fetch)
        /// Deliver a page of records, then save the position.
        case deliver(Delivery)
        /// The position moved without an event (a page that is not persisted, or has no records): save it.
        case checkpoint
        /// A continuous run caught up: wait the polling period before asking for changes.
        case pause
        /// Every resource was walked.
        case finished
    }

    /// One provider request the walk needs.
    struct Fetch: Sendable {
        /// Why the page is asked for.
        enum Purpose: Sendable, Equatable {
            /// A page not fetched before: it is delivered (or checkpointed), then its records' dependents run.
            case page
            /// A page delivered before an interruption, fetched again only for the records its dependents need.
            case dependents
        }

        /// Index of the resource in the job.
        let resource: Int
        /// What the request's placeholders resolve against.
        let scope: RunScope
        /// The page's cursor (`nil`: the first page).
        let cursor: String?
        let purpose: Purpose
    }

    /// One page to deliver, with what its `sync_job_run:record` event says about it.
    struct Delivery: Sendable {
        /// Index of the resource in the job.
        let resource: Int
        let records: [JSONValue]
        /// 1-based number of the page within its resource (and loop element).
        let page: Int
        /// The cursor after this page (`nil`: it is the last).
        let nextCursor: String?
        /// `{resource, id}` of the parent record for a dependent resource, else null.
        let parent: JSONValue
        /// The page the walk asks for next, when it may be fetched while this one is delivered (a leaf's next page).
        let ahead: Fetch?
    }
}
