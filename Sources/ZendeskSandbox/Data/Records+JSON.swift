import JSONCore
import SyncBridgeCore

/// Zendesk's JSON shapes for the records.
extension Ticket {
    /// Members every generated ticket has with the same value, serialized once.
    static let recipientMember = Array(#""recipient":null"#.utf8)
    static let constantMembers = Array(
        #""collaborator_ids":[],"follower_ids":[],"email_cc_ids":[],"forum_topic_id":null,"problem_id":null,"has_incidents":false,"is_public":true,"due_at":null"#
            .utf8
    )
    static let constantTailMembers = Array(
        #""satisfaction_rating":null,"sharing_agreement_ids":[],"followup_ids":[],"ticket_form_id":360000201,"brand_id":360000301,"allow_channelback":false,"allow_attachments":true,"from_messaging_channel":false"#
            .utf8
    )

    /// Writes the ticket; `extra` adds fields at the end (side-loads such as `metric_set`).
    func write(to w: inout JSONWriter, base: String, export: Bool, extra: ((inout JSONWriter) -> Void)? = nil) {
        w.beginObject()
        w.key("url")
        w.string(base + "/api/v2/tickets/", id, ".json")
        writeMembers(to: &w)
        if export { w.field("generated_timestamp", generatedTimestamp) }
        extra?(&w)
        w.endObject()
    }

    /// Every member after `url` and before `generated_timestamp`: what does not depend on the base URL or the
    /// endpoint, and so can be cached.
    func writeMembers(to w: inout JSONWriter) {
        w.field("id", id)
        w.field("external_id", externalId)
        w.via(channel)
        w.key("created_at")
        w.timestamp(seconds: createdAt)
        w.key("updated_at")
        w.timestamp(seconds: updatedAt)
        w.field("type", type)
        w.field("subject", subject)
        w.field("raw_subject", subject)
        w.field("description", description)
        w.field("priority", priority)
        w.field("status", status)
        w.members(Self.recipientMember)
        w.field("requester_id", requesterId)
        w.field("submitter_id", submitterId)
        w.field("assignee_id", assigneeId)
        w.field("organization_id", organizationId)
        w.field("group_id", groupId)
        w.members(Self.constantMembers)
        w.key("tags")
        w.beginArray()
        for t in tags { w.string(t) }
        w.endArray()
        for name in ["custom_fields", "fields"] {
            w.key(name)
            w.beginArray()
            for f in customFields {
                w.beginObject()
                w.field("id", f.id)
                w.field("value", f.value)
                w.endObject()
            }
            w.endArray()
        }
        w.members(Self.constantTailMembers)
    }
}

extension User {
    func write(to w: inout JSONWriter, base: String) {
        w.beginObject()
        w.field("id", id)
        w.key("url")
        w.string(base + "/api/v2/users/", id, ".json")
        w.field("name", name)
        w.field("email", email)
        w.key("created_at")
        w.timestamp(seconds: createdAt)
        w.key("updated_at")
        w.timestamp(seconds: updatedAt)
        w.field("time_zone", "UTC")
        w.field("iana_time_zone", "Etc/UTC")
        w.field("phone", phone)
        w.key("shared_phone_number")
        w.null()
        w.key("photo")
        w.null()
        w.field("locale_id", 1)
        w.field("locale", "en-US")
        w.field("organization_id", organizationId)
        w.field("role", role)
        w.field("verified", true)
        w.field("external_id", externalId)
        w.key("tags")
        w.beginArray()
        for t in tags { w.string(t) }
        w.endArray()
        w.key("alias")
        w.null()
        w.field("active", active)
        w.field("shared", false)
        w.field("shared_agent", false)
        w.key("last_login_at")
        w.null()
        w.field("two_factor_auth_enabled", false)
        w.key("signature")
        w.null()
        w.key("details")
        w.string("")
        w.key("notes")
        w.string("")
        w.key("role_type")
        w.null()
        w.key("custom_role_id")
        w.null()
        w.field("moderator", role != "end-user")
        w.field("ticket_restriction", role == "end-user" ? "requested" : nil)
        w.field("only_private_comments", false)
        w.field("restricted_agent", false)
        w.field("suspended", false)
        w.key("default_group_id")
        w.int(role == "end-user" ? nil : Generator.groupIds[0])
        w.field("report_csv", false)
        w.key("user_fields")
        w.beginObject()
        for (key, value) in AccountCatalog.userFieldValues(id: id, role: role) { w.field(key, value) }
        w.endObject()
        w.endObject()
    }
}

extension Organization {
    func write(to w: inout JSONWriter, base: String) {
        w.beginObject()
        w.key("url")
        w.string(base + "/api/v2/organizations/", id, ".json")
        w.field("id", id)
        w.field("name", name)
        w.field("shared_tickets", false)
        w.field("shared_comments", false)
        w.key("external_id")
        w.null()
        w.key("created_at")
        w.timestamp(seconds: createdAt)
        w.key("updated_at")
        w.timestamp(seconds: updatedAt)
        w.key("domain_names")
        w.beginArray()
        for d in domainNames { w.string(d) }
        w.endArray()
        w.key("details")
        w.string("")
        w.key("notes")
        w.string("")
        w.key("group_id")
        w.null()
        w.key("tags")
        w.beginArray()
        for t in tags { w.string(t) }
        w.endArray()
        w.key("organization_fields")
        w.beginObject()
        for (key, value) in AccountCatalog.organizationFieldValues(id: id) { w.field(key, value) }
        w.endObject()
        w.endObject()
    }
}

extension Comment {
    /// The comment as `/tickets/{id}/comments` lists it: its event fields plus where it came from and when.
    func write(to w: inout JSONWriter) {
        w.beginObject()
        writeEventFields(to: &w)
        w.via(channel)
        w.key("created_at")
        w.timestamp(seconds: createdAt)
        w.key("metadata")
        w.beginObject()
        w.key("system")
        w.beginObject()
        w.endObject()
        w.key("custom")
        w.beginObject()
        w.endObject()
        w.endObject()
        w.endObject()
    }
}

extension JSONWriter {
    /// Zendesk's `via` object for a channel.
    mutating func via(_ channel: String) {
        if let fragment = Self.viaMembers[channel] { return members(fragment) }
        key("via")
        beginObject()
        field("channel", channel)
        key("source")
        beginObject()
        key("from")
        beginObject()
        endObject()
        key("to")
        beginObject()
        endObject()
        key("rel")
        null()
        endObject()
        endObject()
    }

    /// The `via` member of the generator's channels, serialized once.
    static let viaMembers: [String: [UInt8]] = Dictionary(
        uniqueKeysWithValues: Set(Generator.channels + ["api"]).map { channel in
            (channel, Array(#""via":{"channel":"\#(channel)","source":{"from":{},"to":{},"rel":null}}"#.utf8))
        })
}
