import Foundation
import JSONCore
import Testing

/// Numbers at Int64's edges in paths, query parameters and forged cursors get a 4xx or an answer, never a trap: the
/// sandbox serves every one of them and is still up afterwards.
@Suite struct ExtremeInputTests {
    static func cursor(_ text: String) -> String {
        Data(text.utf8).base64EncodedString().addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }

    static let requests: [(path: String, status: Int)] = [
        ("/api/v2/incremental/tickets.json?start_time=-99999999999999999999", 200),
        ("/api/v2/incremental/ticket_events.json?start_time=-9223372036854775808", 200),
        ("/api/v2/incremental/ticket_metric_events.json?start_time=-9223372036854775808&page[size]=5", 200),
        ("/api/v2/incremental/organizations.json?start_time=9223372036854775807", 400),
        ("/api/v2/incremental/tickets/cursor.json?cursor=" + cursor("1e300||5|"), 400),
        ("/api/v2/incremental/users/cursor.json?cursor=" + cursor("9223372036854775807.0||1|"), 400),
        ("/api/v2/satisfaction_ratings.json?page[before]=" + cursor(#"{"o":"id","v":-9223372036854775808}"#), 400),
        ("/api/v2/satisfaction_ratings.json?page[after]=" + cursor(#"{"o":"id","v":9223372036854775807}"#), 400),
        ("/api/v2/user_fields.json?page[after]=" + cursor(#"{"o":"id","v":9223372036854775807}"#), 400),
        ("/api/v2/satisfaction_ratings/-9223372036854775808.json", 404),
        ("/api/v2/tickets.json?page=922337203685477580&per_page=100", 400),
        ("/api/v2/search.json?query=type:ticket&page=9223372036854775807", 200),
        ("/api/v2/users/show_many.json?ids=-9223372036854775808,9223372036854775807", 200),
        ("/api/v2/organizations/-9223372036854775808.json", 404),
    ]

    @Test func edgeNumbersNeverTrap() async throws {
        try await withSandbox { zd async throws in
            for (path, status) in Self.requests {
                #expect(try await zd.get(path).status == status, "\(path)")
            }
            #expect(try await zd.get("/api/v2/tickets.json?page[size]=1").status == 200, "still serving")
        }
    }
}
