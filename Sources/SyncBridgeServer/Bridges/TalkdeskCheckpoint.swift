import Foundation
import SyncBridgeCore

/// A Talkdesk `synchronization_checkpoint`: the position of the last contact handed over, in the order contacts are
/// sent (ascending `updated_at` in whole seconds, then id). Written `2026-11-23 16:50:01 UTC #1000123`; a bare date
/// (`2012-11-20 23:01:00 UTC`, or ISO 8601) means "everything changed at or after that second".
///
/// With the id, contacts that share the checkpoint's second are neither lost nor sent again: the next sync starts
/// strictly after the position. (Zendesk's exports hold back the last minute of changes, so a contact changed later
/// always gets a later second than any position already handed over.)
struct TalkdeskCheckpoint: Equatable, Comparable, Sendable {
    var seconds: Int64
    /// Nil for a bare date: nothing at that second has been seen.
    var id: Int64?

    /// The position of a unified contact; nil when it has no `updated_at` or numeric id.
    init?(contact: JSONValue) {
        guard let text = contact["updated_at"]?.stringValue, let date = Timestamp.parse(text),
            let id = contact["id"]?.stringValue.flatMap({ Int64($0) })
        else { return nil }
        seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        self.id = id
    }

    init(seconds: Int64, id: Int64?) {
        self.seconds = seconds
        self.id = id
    }

    /// Parses either form; nil when the text is neither.
    init?(_ text: String) {
        let parts = text.components(separatedBy: " #")
        guard parts.count <= 2 else { return nil }
        if parts.count == 2 {
            guard let id = Int64(parts[1]) else { return nil }
            self.id = id
        } else {
            id = nil
        }
        var date = parts[0].trimmingCharacters(in: .whitespaces)
        if date.hasSuffix(" UTC") { date = String(date.dropLast(4)).replacingOccurrences(of: " ", with: "T") + "Z" }
        guard let parsed = Timestamp.parse(date) else { return nil }
        seconds = Int64(parsed.timeIntervalSince1970.rounded(.down))
    }

    var text: String {
        let date = Timestamp.formatSeconds(seconds).replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "Z", with: " UTC")
        return id.map { "\(date) #\($0)" } ?? date
    }

    /// The second as the lower bound of an `updated_at` window.
    var date: Date { Date(timeIntervalSince1970: TimeInterval(seconds)) }

    static func < (a: TalkdeskCheckpoint, b: TalkdeskCheckpoint) -> Bool {
        (a.seconds, a.id ?? Int64.min) < (b.seconds, b.id ?? Int64.min)
    }

    /// True when a contact at `position` was handed over at or before this checkpoint.
    func covers(_ position: TalkdeskCheckpoint) -> Bool {
        guard let id else { return position.seconds < seconds }
        return position <= TalkdeskCheckpoint(seconds: seconds, id: id)
    }
}
