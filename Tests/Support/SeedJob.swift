import JSONCore

/// The reference sync job: users, contacts, tickets, and the comments of each ticket.
public let seedJob: JSONValue = [
    ["resource": "ticketing/users", "method": "list"],
    ["resource": "ticketing/contacts", "method": "list"],
    ["resource": "ticketing/tickets", "method": "list"],
    [
        "resource": "ticketing/comments", "method": "list", "depends_on": "ticketing/tickets",
        "query": ["ticket_id": "{{resources.ticketing.tickets.id}}"],
    ],
]
