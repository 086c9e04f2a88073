import Crypto
import Foundation
import SyncBridgeCore

/// Seals secrets (account credentials, webhook signing secrets) with AES-256-GCM before they are stored.
///
/// Sealed text is `v1:<base64 of nonce ‖ ciphertext ‖ tag>`; the version prefix leaves room for key rotation.
public struct SecretBox: Sendable {
    let key: SymmetricKey

    /// Uses a 256-bit key.
    public init(key: SymmetricKey) {
        self.key = key
    }

    /// Derives the key from configuration text: 32 bytes in base64 are used as they are; any other text is hashed
    /// with SHA-256 (so a passphrase works too).
    public init(secret: String) {
        if let data = Data(base64Encoded: secret), data.count == 32 {
            key = SymmetricKey(data: data)
        } else {
            key = SymmetricKey(data: SHA256.hash(data: Data(secret.utf8)))
        }
    }

    /// Seals `plaintext`.
    public func seal(_ plaintext: String) throws -> String {
        let box = try AES.GCM.seal(Data(plaintext.utf8), using: key)
        guard let combined = box.combined else {
            throw SyncBridgeError(.internalError, code: "encryption_failed", message: "AES-GCM produced no output")
        }
        return "v1:" + combined.base64EncodedString()
    }

    /// Opens text made by ``seal(_:)``.
    public func open(_ sealed: String) throws -> String {
        guard sealed.hasPrefix("v1:"), let data = Data(base64Encoded: String(sealed.dropFirst(3))) else {
            throw SyncBridgeError(.internalError, code: "decryption_failed", message: "Stored secret has an unknown format")
        }
        do {
            let plain = try AES.GCM.open(AES.GCM.SealedBox(combined: data), using: key)
            return String(decoding: plain, as: UTF8.self)
        } catch {
            throw SyncBridgeError(
                .internalError, code: "decryption_failed",
                message: "Stored secret cannot be decrypted: is SYNCBRIDGE_SECRET_KEY the key it was written with?"
            )
        }
    }

    /// Loads the key file at `path`, creating it (32 random bytes, base64, mode 0600) when absent.
    public static func loadOrCreateKeyFile(at path: String) throws -> SecretBox {
        let fm = FileManager.default
        if fm.fileExists(atPath: path) {
            let text = try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            guard let data = Data(base64Encoded: text), data.count == 32 else {
                throw SyncBridgeError(.internalError, code: "invalid_key_file", message: "\(path) does not hold a base64 256-bit key")
            }
            return SecretBox(key: SymmetricKey(data: data))
        }
        let key = SymmetricKey(size: .bits256)
        let text = key.withUnsafeBytes { Data($0).base64EncodedString() } + "\n"
        guard fm.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw SyncBridgeError(.internalError, code: "key_file_not_writable", message: "Cannot create key file \(path)")
        }
        return SecretBox(key: key)
    }
}

/// Random tokens and their hashes.
public enum Tokens {
    /// A new API token: `sb_` followed by 32 random bytes in base64url.
    public static func newAPIToken() -> String { "sb_" + randomBase64URL(bytes: 32) }

    /// A new webhook signing secret: `whsec_` followed by 32 random bytes in base64.
    public static func newWebhookSecret() -> String {
        "whsec_" + SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() }
    }

    /// Lowercase hex SHA-256 of a token, as stored.
    public static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    static func randomBase64URL(bytes: Int) -> String {
        SymmetricKey(size: SymmetricKeySize(bitCount: bytes * 8)).withUnsafeBytes { Data($0).base64EncodedString() }
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
