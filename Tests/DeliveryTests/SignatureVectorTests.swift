import Delivery
import Foundation
import JSONCore
import SyncBridgeTestSupport
import Testing

/// The Standard Webhooks vectors from `conformance/webhooks/vectors.json`, plus Truto's header.
@Suite struct SignatureVectorTests {
    /// The vectors; nil (with the failure or the opt-out recorded) when the suites are missing.
    static func vectors() throws -> JSONValue? {
        guard let dir = Conformance.require("signature vectors") else { return nil }
        return try JSONParser.parse(String(contentsOf: dir.appendingPathComponent("webhooks/vectors.json"), encoding: .utf8))
    }

    @Test func signsEveryValidVectorExactly() throws {
        guard let vectors = try Self.vectors() else { return }
        let valid = try #require(vectors["valid"]?.arrayValue)
        #expect(valid.count == 20)
        for v in valid {
            let signer = WebhookSigner(secret: v["secret"]!.stringValue!)
            let ts = Int(v["timestamp"]!.numberValue!)
            let body = Array(v["payload"]!.stringValue!.utf8)
            let signature = signer.standardSignature(messageId: v["msg_id"]!.stringValue!, timestamp: ts, body: body)
            #expect(signature == v["signature"]!.stringValue!)
            #expect(
                signer.verify(
                    messageId: v["msg_id"]!.stringValue!, timestamp: ts, signatureHeader: "v1,bogus= " + signature, body: body,
                    now: Date(timeIntervalSince1970: Double(ts))
                )
            )
        }
    }

    @Test func rejectsEveryInvalidVector() throws {
        guard let vectors = try Self.vectors() else { return }
        let invalid = try #require(vectors["invalid"]?.arrayValue)
        #expect(invalid.count == 5)
        for v in invalid {
            let ts = Int(v["timestamp"]!.numberValue!)
            let ok = WebhookSigner(secret: v["secret"]!.stringValue!).verify(
                messageId: v["msg_id"]!.stringValue!, timestamp: ts, signatureHeader: v["signature"]!.stringValue!,
                body: Array(v["payload"]!.stringValue!.utf8), now: Date(timeIntervalSince1970: Double(ts))
            )
            #expect(!ok, "accepted: \(v["why"]!.stringValue!)")
        }
    }

    @Test func rejectsStaleTimestamps() throws {
        let signer = WebhookSigner(secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
        let body = Array(#"{"a":1}"#.utf8)
        let sig = signer.standardSignature(messageId: "msg_1", timestamp: 1_000_000, body: body)
        #expect(
            signer.verify(messageId: "msg_1", timestamp: 1_000_000, signatureHeader: sig, body: body, now: Date(timeIntervalSince1970: 1_000_299)))
        #expect(
            !signer.verify(messageId: "msg_1", timestamp: 1_000_000, signatureHeader: sig, body: body, now: Date(timeIntervalSince1970: 1_000_301)))
    }

    @Test func trutoSignatureIsHexHMACOfTheBodyKeyedWithTheWholeSecret() {
        // Expected value computed independently: printf '{"a":1}' | openssl dgst -sha256 -hmac 'whsec_abc'
        let signer = WebhookSigner(secret: "whsec_abc")
        #expect(
            signer.trutoSignature(body: Array(#"{"a":1}"#.utf8))
                == "format=sha256,v=" + "359ab2775fc376b1a8dee20a432572581b7d5b4e2c3a4e3ff657ed6713fa7eeb"
        )
    }
}
