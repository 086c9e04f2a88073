import JSONCore

extension World {
    /// How many records each collection holds right now, as the clients that read it should find them
    /// (`GET /__sandbox/counts`). It walks every live ticket, so it costs a full generation of a large world.
    func counts(base: String) -> JSONValue {
        var comments = 0
        var metricEvents = 0
        var ratings = 0
        var tickets = 0
        for id in Self.ids(in: 1..<nextTicketId, after: 0, limit: Int.max, where: ticketExists) {
            guard let t = ticket(id) else { continue }
            tickets += 1
            let c = self.comments(ticket: id)
            comments += c.count
            metricEvents += TicketActivity.metricEvents(t, comments: c).count
            if SatisfactionRatings.rating(of: t, random: generator.random) != nil { ratings += 1 }
        }
        let users = userIdRange.filter { user($0) != nil }.count
        let organizations = organizationIdRange.filter { organization($0) != nil }.count
        let catalog = AccountCatalog(base: base, agentCount: generator.agentCount)
        let generated: [(String, Int)] = [
            ("tickets", tickets), ("ticket_comments", comments), ("ticket_audits", comments), ("ticket_metrics", tickets),
            ("ticket_metric_events", metricEvents), ("satisfaction_ratings", ratings), ("users", users), ("organizations", organizations),
            ("groups", Generator.groupIds.count), ("ticket_fields", ConfigurationRoutes.ticketFields.count), ("tags", Generator.tagPool.count),
        ]
        let all = generated + AccountRoutes.lists(catalog).map { ($0.key, $0.items.count) }
        return .object(Dictionary(uniqueKeysWithValues: all.map { ($0.0, JSONValue.integer(Int64($0.1))) }))
    }
}
