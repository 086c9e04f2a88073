import Delivery
import Foundation
import Hummingbird
import JSONCore
import Synchronization

/// The demo's webhook endpoint: verifies each delivery's Standard Webhooks signature, counts records per resource,
/// and acknowledges with 200 (or 401 for a bad signature).
final class DemoReceiver: Sendable {
    struct Tally: Sendable {
        var events: [String: Int] = [:]
        var records: [String: Int] = [:]
        var verified = 0
        var rejected = 0
        var lastEvent = ""
    }

    private let state = Mutex(Tally())
    private let secret = Mutex<String?>(nil)

    /// The secret to verify with, known once the webhook is created.
    func use(secret s: String) { secret.withLock { $0 = s } }

    var tally: Tally { state.withLock { $0 } }

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.post("/webhook") { request, _ -> Response in
            var request = request
            let body = try await request.collectBody(upTo: 256 * 1024 * 1024)
            let bytes = Array(buffer: body)
            let id = request.headers[.init("webhook-id")!] ?? ""
            let timestamp = Int(request.headers[.init("webhook-timestamp")!] ?? "") ?? 0
            let signature = request.headers[.init("webhook-signature")!] ?? ""
            guard let key = self.secret.withLock({ $0 }),
                WebhookSigner(secret: key).verify(messageId: id, timestamp: timestamp, signatureHeader: signature, body: bytes)
            else {
                self.state.withLock { $0.rejected += 1 }
                return Response(status: .unauthorized)
            }
            let envelope = try? JSONParser.parse(bytes: bytes)
            let event = envelope?["event"]?.stringValue ?? "?"
            let resource = envelope?["payload"]?["resource"]?.stringValue
            let count = envelope?["payload"]?["records"]?.arrayValue?.count ?? 0
            self.state.withLock { t in
                t.verified += 1
                t.events[event, default: 0] += 1
                t.lastEvent = event
                if let resource, event == "sync_job_run:record" { t.records[resource, default: 0] += count }
            }
            return Response(status: .ok)
        }
        return router
    }
}
