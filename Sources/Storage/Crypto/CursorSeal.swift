import Crypto
import Foundation

/// Signs the opaque cursors the API hands out (`next_cursor`), so that a cursor is accepted back only by the endpoint
/// and environment that issued it: an edited, forged or borrowed cursor is refused instead of read.
///
/// A sealed cursor is `<base64url payload>.<base64url MAC>`: HMAC-SHA256 over the scope and the payload, truncated to
/// 128 bits, with a key derived from the store's secret key (HKDF, its own purpose), so cursors stay valid across
/// restarts and across every process sharing the key.
public struct CursorSeal: Sendable {
    let key: SymmetricKey

    /// Derives the cursor key from the key that seals secrets.
    public init(secrets: SecretBox) {
        key = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: secrets.key, info: Data("syncbridge cursors v1".utf8), outputByteCount: 32
        )
    }

    /// The cursor handed to clients for `payload`, valid only for `scope` (endpoint and environment).
    public func seal(_ payload: String, scope: String) -> String {
        Self.base64url(Data(payload.utf8)) + "." + Self.base64url(mac(payload, scope: scope))
    }

    /// The payload of a cursor this seal issued for `scope`; nil for anything else.
    public func open(_ cursor: String, scope: String) -> String? {
        let parts = cursor.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let data = Self.data(base64url: parts[0]), let tag = Self.data(base64url: parts[1]),
            let payload = String(data: data, encoding: .utf8)
        else { return nil }
        // Constant time, whatever the tag's length.
        let expected = mac(payload, scope: scope)
        guard tag.count == expected.count else { return nil }
        var difference: UInt8 = 0
        for (a, b) in zip(tag, expected) { difference |= a ^ b }
        return difference == 0 ? payload : nil
    }

    private func mac(_ payload: String, scope: String) -> Data {
        var hmac = HMAC<SHA256>(key: key)
        hmac.update(data: Data(scope.utf8))
        hmac.update(data: [0])
        hmac.update(data: Data(payload.utf8))
        return Data(hmac.finalize()).prefix(16)
    }

    static func base64url(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func data(base64url text: Substring) -> Data? {
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else { return nil }
        var b64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while b64.count % 4 != 0 { b64 += "=" }
        // Only the canonical spelling: the last character's unused bits are not a second way to write the same bytes.
        guard let data = Data(base64Encoded: b64), base64url(data) == text else { return nil }
        return data
    }
}
