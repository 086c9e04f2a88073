import Crypto
import Foundation
import SyncBridgeCore

/// Signs webhook deliveries two ways at once: Truto's `X-Truto-Signature` (drop-in compatibility) and the Standard
/// Webhooks headers `webhook-id`, `webhook-timestamp`, `webhook-signature`.
public struct WebhookSigner: Sendable {
    /// The webhook secret, `whsec_<base64>`.
    public let secret: String

    /// Creates a signer for one webhook's secret.
    public init(secret: String) {
        self.secret = secret
    }

    /// The Standard Webhooks key: the base64-decoded bytes after `whsec_` (the whole string's bytes if it is not base64).
    var standardKey: SymmetricKey {
        let encoded = secret.hasPrefix("whsec_") ? String(secret.dropFirst(6)) : secret
        if let data = Data(base64Encoded: encoded) { return SymmetricKey(data: data) }
        return SymmetricKey(data: Data(secret.utf8))
    }

    /// `v1,<base64 HMAC-SHA256(key, "msgId.timestamp.body")>`.
    public func standardSignature(messageId: String, timestamp: Int, body: some DataProtocol) -> String {
        var mac = HMAC<SHA256>(key: standardKey)
        mac.update(data: Data("\(messageId).\(timestamp).".utf8))
        mac.update(data: body)
        return "v1," + Data(mac.finalize()).base64EncodedString()
    }

    /// `format=sha256,v=<hex HMAC-SHA256 of the body keyed with the secret's UTF-8 bytes>`, as Truto sends it.
    public func trutoSignature(body: some DataProtocol) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(secret.utf8)))
        return "format=sha256,v=" + mac.map { String(format: "%02x", $0) }.joined()
    }

    /// Every signature header for one delivery.
    public func headers(messageId: String, timestamp: Int, body: some DataProtocol) -> [(String, String)] {
        [
            ("webhook-id", messageId),
            ("webhook-timestamp", String(timestamp)),
            ("webhook-signature", standardSignature(messageId: messageId, timestamp: timestamp, body: body)),
            ("X-Truto-Signature", trutoSignature(body: body)),
        ]
    }

    /// Verifies Standard Webhooks headers: one of the space-separated signatures must match, and the timestamp must be
    /// within `tolerance` seconds of `now`.
    public func verify(
        messageId: String, timestamp: Int, signatureHeader: String, body: some DataProtocol, now: Date = Date(),
        tolerance: TimeInterval = 300
    ) -> Bool {
        guard abs(now.timeIntervalSince1970 - Double(timestamp)) <= tolerance else { return false }
        let expected = standardSignature(messageId: messageId, timestamp: timestamp, body: body)
        return signatureHeader.split(separator: " ").contains { candidate in
            constantTimeEquals(Array(candidate.utf8), Array(expected.utf8))
        }
    }

    func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var diff: UInt8 = 0
        for i in a.indices { diff |= a[i] ^ b[i] }
        return diff == 0
    }
}
