/// Ticket activity looked up in the world: what an audit id stands for, and a ticket's metric events.
extension World {
    /// The comment an audit records, its ticket (as exports show it) and whether it is the ticket's first audit.
    func audit(_ auditId: Int64) -> (comment: Comment, ticket: Ticket, first: Bool)? {
        let commentId = auditId - TicketActivity.auditOffset
        let ticketId = TicketActivity.ticket(ofComment: commentId)
        guard let ticket = exportedTicket(ticketId) else { return nil }
        let comments = comments(ticket: ticketId)
        guard let index = comments.firstIndex(where: { $0.id == commentId }) else { return nil }
        return (comments[index], ticket, index == 0)
    }

    /// A ticket's metric events: a generated ticket's come from the generated ticket (as the timeline index has them),
    /// a created ticket's from its current state.
    func metricEvents(ofTicket id: Int64) -> [TicketActivity.MetricEvent] {
        if generator.ticketCount > 0 && generatedTicketRange.contains(id) {
            let base = generator.ticket(id: id)
            return TicketActivity.metricEvents(base, comments: generator.comments(of: base))
        }
        guard let t = tickets[id] else { return [] }
        return TicketActivity.metricEvents(t, comments: comments(ticket: id))
    }
}
