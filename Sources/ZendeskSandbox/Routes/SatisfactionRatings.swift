import JSONCore

/// `/satisfaction_ratings`: the requester's rating of a solved or closed ticket, for about half of them, given when
/// the ticket was last updated. Ids are `40_000_000_000 + ticket`, so the list pages in ticket order in both
/// paginations. Filters: `start_time` and `end_time` (epoch seconds, on `updated_at`) and `score`
/// (`good`, `bad`, `offered`, `unoffered`, or `received` for good or bad).
struct SatisfactionRatings: Sendable {
    let context: RouteContext

    static let base: Int64 = 40_000_000_000
    static let comments = ["Quick and helpful, thanks!", "", "Still not fixed.", "Great support.", ""]

    struct Rating {
        let ticket: Ticket
        let score: String
        let comment: String
    }

    /// The rating of a ticket, if its requester gave one.
    static func rating(of t: Ticket, random: SeededRandom) -> Rating? {
        guard t.status == "solved" || t.status == "closed", random.unit(80, UInt64(t.id)) < 0.5 else { return nil }
        let good = random.unit(81, UInt64(t.id)) < 0.8
        return Rating(ticket: t, score: good ? "good" : "bad", comment: random.pick(Self.comments, 82, UInt64(t.id)))
    }

    func list() throws(SandboxError) -> SandboxResponse {
        let r = context.request
        let world = context.state.read { $0.world }
        let random = world.generator.random
        let start = r.query["start_time"].map(SandboxRequest.leadingInteger)
        let end = r.query["end_time"].map(SandboxRequest.leadingInteger)
        let scores: Set<String>? =
            switch r.query["score"] {
            case nil, "": nil
            case "received": ["good", "bad"]
            case let s?: [s]
            }
        let matches = { (ticketId: Int64) -> Bool in
            guard let t = world.ticket(ticketId), let rating = Self.rating(of: t, random: random) else { return false }
            if let start, t.updatedAt < start { return false }
            if let end, t.updatedAt > end { return false }
            if let scores, !scores.contains(rating.score) { return false }
            return true
        }
        let range = 1..<world.nextTicketId
        return try Pagination.page(
            r, key: "satisfaction_ratings", base: context.base,
            total: { World.ids(in: range, after: 0, limit: Int.max, where: matches).count },
            ids: { after, limit in
                World.ids(in: range, after: max(0, after - Self.base), limit: limit, where: matches).map { $0 + Self.base }
            },
            idsBefore: { before, limit in
                World.ids(in: range, before: before - Self.base, limit: limit, where: matches).map { $0 + Self.base }
            },
            item: { id, w in
                guard let t = world.ticket(id - Self.base), let rating = Self.rating(of: t, random: random) else { return }
                w.value(write(rating))
            }
        )
    }

    func show(_ id: Int64) throws(SandboxError) -> SandboxResponse {
        let world = context.state.read { $0.world }
        guard id > Self.base, let t = world.ticket(id - Self.base), let rating = Self.rating(of: t, random: world.generator.random) else {
            throw SandboxError.notFound()
        }
        return .json(.object(["satisfaction_rating": write(rating)]))
    }

    func write(_ rating: Rating) -> JSONValue {
        let t = rating.ticket
        let id = Self.base + t.id
        let at = JSONValue.string(AccountCatalog.iso(t.updatedAt))
        return [
            "id": .integer(id), "url": .string("\(context.base)/api/v2/satisfaction_ratings/\(id).json"),
            "assignee_id": t.assigneeId.map(JSONValue.integer) ?? .null, "group_id": t.groupId.map(JSONValue.integer) ?? .null,
            "requester_id": .integer(t.requesterId), "ticket_id": .integer(t.id), "score": .string(rating.score),
            "comment": rating.comment.isEmpty ? .null : .string(rating.comment), "reason": rating.score == "bad" ? "Issue is not resolved" : nil,
            "reason_id": rating.score == "bad" ? 1001 : nil, "reason_code": rating.score == "bad" ? 5 : nil, "created_at": at, "updated_at": at,
        ]
    }
}
