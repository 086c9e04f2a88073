/// A Zendesk ticket, as the sandbox keeps and serves it.
struct Ticket: Sendable, Equatable {
    var id: Int64
    var type: String?
    var subject: String
    var description: String
    var priority: String?
    var status: String
    var requesterId: Int64
    var submitterId: Int64
    var assigneeId: Int64?
    var organizationId: Int64?
    var groupId: Int64?
    var tags: [String]
    var customFields: [(id: Int64, value: String?)]
    var channel: String
    var externalId: String?
    var createdAt: Int64
    var updatedAt: Int64
    /// Bumped by every change (Zendesk's `generated_timestamp`), the order of incremental exports.
    var generatedTimestamp: Int64

    static func == (a: Ticket, b: Ticket) -> Bool {
        a.id == b.id && a.subject == b.subject && a.status == b.status && a.updatedAt == b.updatedAt && a.generatedTimestamp == b.generatedTimestamp
            && a.tags == b.tags && a.priority == b.priority && a.assigneeId == b.assigneeId
    }
}

/// A Zendesk user (agent, admin or end-user).
struct User: Sendable, Equatable {
    var id: Int64
    var name: String
    var email: String
    var role: String
    var organizationId: Int64?
    var phone: String?
    var active: Bool
    var tags: [String]
    var externalId: String?
    var createdAt: Int64
    var updatedAt: Int64
}

/// A Zendesk organization.
struct Organization: Sendable, Equatable {
    var id: Int64
    var name: String
    var domainNames: [String]
    var tags: [String]
    var createdAt: Int64
    var updatedAt: Int64
}

/// A ticket comment.
struct Comment: Sendable, Equatable {
    var id: Int64
    var ticketId: Int64
    var authorId: Int64
    var body: String
    var isPublic: Bool
    var channel: String
    var createdAt: Int64
}
