import Foundation
import Synchronization

/// Generates the seeded world on demand: record `i` is a pure function of (seed, i), so a million tickets cost
/// nothing until they are read, and the same seed always yields the same data.
///
/// Ids: tickets 1…N (as Zendesk numbers them), users `10_000_000_000 + i`, organizations `20_000_000_000 + i`,
/// comments `30_000_000_000 + ticket × 1000 + k`. Generated `updated_at` grows with the id, which keeps incremental
/// exports of the generated part a binary search.
struct Generator: Sendable {
    let random: SeededRandom
    let ticketCount: Int
    let userCount: Int
    let agentCount: Int
    let organizationCount: Int
    let commentsPerTicket: Int
    /// Epoch seconds of the oldest and newest generated change.
    let start: Int64
    let end: Int64
    /// How many tickets have been generated so far (`tickets_generated` in `/__sandbox/stats`): it shows that a
    /// world is built as it is read, not up front.
    let ticketsGenerated = GenerationCount()

    static let userBase: Int64 = 10_000_000_000
    static let organizationBase: Int64 = 20_000_000_000
    static let commentBase: Int64 = 30_000_000_000
    static let groupIds: [Int64] = [360_000_001, 360_000_002, 360_000_003]
    static let customFieldIds: [Int64] = [360_100_001, 360_100_002]

    init(configuration c: SandboxConfiguration, now: Date) {
        random = SeededRandom(seed: c.seed)
        ticketCount = c.tickets
        userCount = c.userCount
        agentCount = max(2, c.userCount / 20)
        organizationCount = max(1, c.userCount / 10)
        commentsPerTicket = max(1, c.commentsPerTicket)
        // Generated data never reaches into the recent window, whatever the configured end.
        end = min(Int64(c.dataEnd.timeIntervalSince1970), Int64(now.timeIntervalSince1970) - 86_400)
        start = end - Int64(c.dataYears * 365 * 86_400)
    }

    // MARK: Time lines (monotonic in the index)

    func timestamp(_ stream: UInt64, index: Int, count: Int) -> Int64 {
        let span = end - start
        let step = max(1, span / Int64(max(count, 1)))
        return start + Int64(index) * step + Int64(random.int(stream, UInt64(index), 7, below: Int(max(1, step))))
    }

    // MARK: Organizations

    static let companyWords = [
        "Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne", "Wonka", "Tyrell", "Cyberdyne", "Soylent", "Vandelay",
    ]
    static let companySuffixes = ["Inc", "Ltd", "GmbH", "LLC", "Group", "Labs", "Co"]

    func organization(index i: Int) -> Organization {
        let name = "\(random.pick(Self.companyWords, 3, UInt64(i))) \(random.pick(Self.companySuffixes, 3, UInt64(i), 1)) \(i)"
        let updated = timestamp(30, index: i, count: organizationCount)
        let domain = name.lowercased().replacingOccurrences(of: " ", with: "-") + ".example"
        return Organization(
            id: Self.organizationBase + Int64(i), name: name, domainNames: [domain], tags: i % 3 == 0 ? ["vip"] : [],
            createdAt: updated - Int64(random.int(31, UInt64(i), below: 86_400 * 90)), updatedAt: updated
        )
    }

    /// The index of the generated organization with this name (names end in their index), if there is one.
    func organizationName(_ name: String) -> Int? {
        guard let last = name.split(separator: " ").last, let i = Int(last), i >= 0, i < organizationCount else { return nil }
        return organization(index: i).name == name ? i : nil
    }

    // MARK: Users

    static let firstNames = [
        "Ada", "Grace", "Linus", "Ken", "Barbara", "Alan", "Margaret", "Dennis", "Radia", "Edsger", "Frances", "John", "Hedy", "Tim", "Katherine",
        "Guido",
    ]
    static let lastNames = [
        "Lovelace", "Hopper", "Torvalds", "Thompson", "Liskov", "Turing", "Hamilton", "Ritchie", "Perlman", "Dijkstra", "Allen", "Backus", "Lamarr",
        "Berners-Lee", "Johnson", "van Rossum",
    ]

    /// User index 0 is the admin; 1…agentCount-1 are agents; the rest are end-users.
    func user(index i: Int, adminEmail: String) -> User {
        let first = random.pick(Self.firstNames, 4, UInt64(i))
        let last = random.pick(Self.lastNames, 4, UInt64(i), 1)
        let role = i == 0 ? "admin" : (i < agentCount ? "agent" : "end-user")
        let email = i == 0 ? adminEmail : "\(first.lowercased()).\(last.lowercased().replacingOccurrences(of: " ", with: ""))\(i)@example.com"
        let updated = timestamp(40, index: i, count: userCount)
        let org = organizationId(userIndex: i)
        return User(
            id: Self.userBase + Int64(i), name: "\(first) \(last)", email: email, role: role, organizationId: org,
            phone: random.unit(43, UInt64(i)) < 0.5 ? "+1-555-\(1000 + random.int(44, UInt64(i), below: 9000))" : nil,
            active: true, tags: role == "end-user" ? [] : ["staff"], externalId: nil,
            createdAt: updated - Int64(random.int(45, UInt64(i), below: 86_400 * 365)), updatedAt: updated
        )
    }

    /// The organization of user `i` (80% of end-users have one), without generating the user.
    func organizationId(userIndex i: Int) -> Int64? {
        i >= agentCount && random.unit(41, UInt64(i)) < 0.8 ? Self.organizationBase + Int64(random.int(42, UInt64(i), below: organizationCount)) : nil
    }

    // MARK: Tickets

    static let subjects = [
        "Cannot log in", "Refund request", "Invoice is wrong", "App crashes on start", "How do I export data?", "Password reset not arriving",
        "Feature request: dark mode", "Shipping delayed", "Upgrade my plan", "API returns 500", "Two-factor code rejected", "Cancel subscription",
    ]
    static let bodies = [
        "Hi, I keep getting an error when I try this. Can you help?", "This has been happening since yesterday's update.",
        "Please advise, it is blocking our team.", "Attached are the details. Thanks in advance!", "Could you look into this as soon as possible?",
    ]
    static let statuses = ["new", "open", "open", "pending", "hold", "solved", "solved", "closed", "closed", "closed"]
    static let priorities: [String?] = [nil, "low", "normal", "normal", "high", "urgent"]
    static let types: [String?] = [nil, "question", "incident", "problem", "task"]
    static let channels = ["web", "email", "email", "api", "chat"]
    static let tagPool = ["billing", "login", "mobile", "vip", "bug", "feature", "refund", "shipping", "api", "urgent-customer"]

    func endUserIndex(_ stream: UInt64, _ i: Int) -> Int {
        agentCount + random.int(stream, UInt64(i), below: max(1, userCount - agentCount))
    }

    /// When generated ticket `index` (id − 1) last changed: its `updated_at` and `generated_timestamp`, ascending
    /// with the index.
    func ticketTimestamp(index i: Int) -> Int64 { timestamp(50, index: i, count: ticketCount) }

    func ticket(id: Int64) -> Ticket {
        ticketsGenerated.add()
        let i = Int(id - 1)
        let k = UInt64(i)
        let updated = ticketTimestamp(index: i)
        let created = updated - Int64(random.int(51, k, below: 86_400 * 30))
        let requester = endUserIndex(52, i)
        let requesterId = Self.userBase + Int64(requester)
        let assignee: Int64? = random.unit(53, k) < 0.9 ? Generator.userBase + Int64(1 + random.int(54, k, below: max(1, agentCount - 1))) : nil
        var tags: [String] = []
        for t in 0..<random.int(55, k, below: 4) {
            let tag = random.pick(Self.tagPool, 56, k, UInt64(t))
            if !tags.contains(tag) { tags.append(tag) }
        }
        let subject = "\(random.pick(Self.subjects, 57, k)) (#\(id))"
        return Ticket(
            id: id, type: random.pick(Self.types, 58, k), subject: subject, description: random.pick(Self.bodies, 59, k),
            priority: random.pick(Self.priorities, 60, k), status: random.pick(Self.statuses, 61, k),
            requesterId: requesterId, submitterId: requesterId, assigneeId: assignee,
            organizationId: organizationId(userIndex: requester), groupId: random.pick(Self.groupIds, 62, k), tags: tags,
            customFields: [(Self.customFieldIds[0], random.pick(["tier_1", "tier_2", "tier_3"], 63, k)), (Self.customFieldIds[1], nil)],
            channel: random.pick(Self.channels, 64, k), externalId: nil, createdAt: created, updatedAt: updated,
            generatedTimestamp: updated
        )
    }

    // MARK: Comments

    /// How many comments generated ticket `id` has (the first is its description).
    func commentCount(ticket id: Int64) -> Int {
        1 + random.int(70, UInt64(id), below: max(1, 2 * commentsPerTicket - 1))
    }

    /// Every generated comment of a generated ticket, oldest first.
    func comments(of t: Ticket) -> [Comment] {
        let count = commentCount(ticket: t.id)
        return (0..<count).map { comment(ticket: t, index: $0, count: count) }
    }

    func comment(ticket t: Ticket, index k: Int, count: Int) -> Comment {
        let span = max(1, t.updatedAt - t.createdAt)
        let at = t.createdAt + span * Int64(k) / Int64(max(1, count))
        let fromAgent = k > 0 && k % 2 == 1
        let author = fromAgent ? (t.assigneeId ?? Generator.userBase + 1) : t.requesterId
        let body = k == 0 ? t.description : random.pick(Self.bodies, 71, UInt64(t.id), UInt64(k))
        return Comment(
            id: Self.commentBase + t.id * 1000 + Int64(k), ticketId: t.id, authorId: author, body: body,
            isPublic: !(fromAgent && random.unit(72, UInt64(t.id), UInt64(k)) < 0.3), channel: t.channel, createdAt: at
        )
    }
}

/// A count shared by every copy of a ``Generator``.
final class GenerationCount: Sendable {
    private let count = Atomic<Int>(0)
    func add() { count.add(1, ordering: .relaxed) }
    var value: Int { count.load(ordering: .relaxed) }
}
