import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import SyncBridgeCore

/// The outcome of one delivery attempt.
public struct DeliveryResult: Sendable, Equatable {
    /// The receiver's HTTP status; `nil` when no response came (connection refused, timeout).
    public var status: Int?
    /// The first bytes of the receiver's response body, for diagnostics.
    public var responseBody: String
    /// Why no response came, if none did.
    public var error: String?
    /// The receiver's `Retry-After`, in seconds, if it sent one.
    public var retryAfter: Double?
    /// How long the attempt took.
    public var duration: Duration
    /// The receiver asked to stop trying (410 Gone, or a `webhook-delivery: abort` header), or the webhook cannot be
    /// reached at all (an unusable `target_url`): no retry can succeed.
    public var isFinal = false

    /// True for a 2xx answer.
    public var isSuccess: Bool { status.map { (200..<300).contains($0) } ?? false }
}

/// Sends one signed event to one webhook: a single attempt, no retries (callers own the retry policy).
public struct WebhookSender: Sendable {
    /// The `User-Agent` of every delivery.
    public static let userAgent = "syncbridge/\(SyncBridgeVersion.current)"

    let client: HTTPClient
    let timeout: TimeAmount
    let clock: any WallClock

    /// Creates a sender on a shared HTTP client.
    public init(client: HTTPClient, timeout: TimeAmount = .seconds(30), clock: any WallClock = SystemWallClock()) {
        self.client = client
        self.timeout = timeout
        self.clock = clock
    }

    /// POSTs `envelope` to the webhook, signed with its secret. The envelope's `id` is the `webhook-id`.
    public func send(envelope: JSONValue, messageId: String, to webhook: Webhook, logger: Logger) async -> DeliveryResult {
        if let problem = EndpointURL.problem(webhook.targetURL) {
            return DeliveryResult(
                status: nil, responseBody: "", error: "target_url must be \(problem)", retryAfter: nil, duration: .zero, isFinal: true)
        }
        let body = envelope.jsonBytes()
        let timestamp = Int(clock.now().timeIntervalSince1970)
        var request = HTTPClientRequest(url: webhook.targetURL)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: Self.userAgent)
        for (name, value) in WebhookSigner(secret: webhook.secret).headers(messageId: messageId, timestamp: timestamp, body: body) {
            request.headers.add(name: name, value: value)
        }
        request.body = .bytes(ByteBuffer(bytes: body))
        let start = ContinuousClock.now
        do {
            let response = try await client.execute(request, timeout: timeout, logger: logger)
            let bytes = try await response.body.collect(upTo: 64 * 1024)
            let text = String(buffer: bytes)
            let status = Int(response.status.code)
            let abort = response.headers.first(name: "webhook-delivery")?.trimmingCharacters(in: .whitespaces).lowercased() == "abort"
            return DeliveryResult(
                status: status, responseBody: String(text.prefix(1024)), error: nil,
                retryAfter: RetryAfter.seconds(response.headers.first(name: "Retry-After"), now: clock.now()), duration: ContinuousClock.now - start,
                isFinal: !(200..<300).contains(status) && (status == 410 || abort)
            )
        } catch {
            logger.debug("webhook delivery failed", metadata: ["webhook_id": "\(webhook.id.lowercased)", "error": "\(error)"])
            return DeliveryResult(status: nil, responseBody: "", error: "\(error)", retryAfter: nil, duration: ContinuousClock.now - start)
        }
    }
}
