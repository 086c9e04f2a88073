import JSONCore

/// The reference sync job that the demo and the benchmarks run: users, contacts, tickets, and the comments of every
/// ticket.
public enum ReferenceJob {
    /// The `POST /sync-job` body.
    public static let job: JSONValue = [
        "integration_name": "zendesk",
        "label": "Users, contacts, tickets and their comments",
        "resources": [
            ["resource": "ticketing/users", "method": "list"],
            ["resource": "ticketing/contacts", "method": "list"],
            ["resource": "ticketing/tickets", "method": "list"],
            [
                "resource": "ticketing/comments", "method": "list", "depends_on": "ticketing/tickets",
                "query": ["ticket_id": "{{resources.ticketing.tickets.id}}"],
            ],
        ],
    ]
}
