import Crypto
import Foundation
import NIOSSL
import SwiftASN1
import X509

/// The certificate the sandbox serves HTTPS with: a PEM chain and key from files (`--tls-cert`/`--tls-key`), or a
/// pair generated at start (`--tls`): a throwaway certificate authority and a server certificate it signs for
/// `*.zendesk.com`, `zendesk.com`, `localhost` and `127.0.0.1`. Clients trust the authority's certificate
/// (``authorityPEM``) through `REQUESTS_CA_BUNDLE` and `SSL_CERT_FILE`, as they would a corporate CA.
public struct SandboxTLS: Sendable {
    /// The server's certificate chain, PEM (leaf first).
    public let certificateChainPEM: String
    /// The server's private key, PEM.
    public let privateKeyPEM: String
    /// The generated authority's certificate, PEM, to trust; `nil` for a chain read from files.
    public let authorityPEM: String?

    /// Names the generated certificate is valid for.
    public static let defaultNames = ["*.zendesk.com", "zendesk.com", "localhost", "127.0.0.1"]

    /// A chain and key in PEM, as read from `--tls-cert` and `--tls-key`; both are checked now, so a bad file fails
    /// at start rather than at the first handshake.
    public init(certificateChainPEM: String, privateKeyPEM: String) throws(SandboxTLSError) {
        do {
            guard !(try NIOSSLCertificate.fromPEMBytes(Array(certificateChainPEM.utf8))).isEmpty else {
                throw SandboxTLSError.invalidCertificate("no certificate in the PEM file")
            }
        } catch let error as SandboxTLSError {
            throw error
        } catch {
            throw SandboxTLSError.invalidCertificate("\(error)")
        }
        do {
            _ = try NIOSSLPrivateKey(bytes: Array(privateKeyPEM.utf8), format: .pem)
        } catch {
            throw SandboxTLSError.invalidKey("\(error)")
        }
        self.certificateChainPEM = certificateChainPEM
        self.privateKeyPEM = privateKeyPEM
        self.authorityPEM = nil
    }

    private init(chain: String, key: String, authority: String) {
        certificateChainPEM = chain
        privateKeyPEM = key
        authorityPEM = authority
    }

    /// Generates an authority and a server certificate signed by it, valid from an hour ago for `days`.
    /// - Parameter names: DNS names (a leading `*.` is a wildcard) and IP addresses for the subject alternative names.
    public static func generate(names: [String] = defaultNames, now: Date = Date(), days: Int = 30) throws(SandboxTLSError) -> SandboxTLS {
        do {
            let authorityKey = P256.Signing.PrivateKey()
            let authorityName = try DistinguishedName {
                OrganizationName("SyncBridge")
                CommonName("SyncBridge Zendesk sandbox CA")
            }
            let notBefore = now.addingTimeInterval(-3600)
            let notAfter = now.addingTimeInterval(Double(days) * 86_400)
            let authorityPublic = Certificate.PublicKey(authorityKey.publicKey)
            let authority = try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: authorityPublic, notValidBefore: notBefore,
                notValidAfter: notAfter, issuer: authorityName, subject: authorityName, signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                    Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                    SubjectKeyIdentifier(hash: authorityPublic)
                },
                issuerPrivateKey: Certificate.PrivateKey(authorityKey)
            )
            let serverKey = P256.Signing.PrivateKey()
            let serverPublic = Certificate.PublicKey(serverKey.publicKey)
            let alternativeNames = try names.map { name throws(SandboxTLSError) -> GeneralName in
                if let address = ipv4Bytes(name) { return .ipAddress(ASN1OctetString(contentBytes: address[...])) }
                guard !name.isEmpty, !name.contains(" ") else { throw SandboxTLSError.invalidName(name) }
                return .dnsName(name)
            }
            let server = try Certificate(
                version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: serverPublic, notValidBefore: notBefore,
                notValidAfter: notAfter, issuer: authorityName,
                subject: try DistinguishedName { CommonName(names.first { ipv4Bytes($0) == nil } ?? "localhost") },
                signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.notCertificateAuthority)
                    Critical(KeyUsage(digitalSignature: true))
                    try ExtendedKeyUsage([.serverAuth])
                    SubjectAlternativeNames(alternativeNames)
                    SubjectKeyIdentifier(hash: serverPublic)
                    AuthorityKeyIdentifier(keyIdentifier: SubjectKeyIdentifier(hash: authorityPublic).keyIdentifier)
                },
                issuerPrivateKey: Certificate.PrivateKey(authorityKey)
            )
            let authorityPEM = try authority.serializeAsPEM().pemString + "\n"
            return SandboxTLS(
                chain: try server.serializeAsPEM().pemString + "\n" + authorityPEM, key: serverKey.pemRepresentation, authority: authorityPEM)
        } catch let error as SandboxTLSError {
            throw error
        } catch {
            throw SandboxTLSError.generationFailed("\(error)")
        }
    }

    /// The server configuration: this chain and key, HTTP/1.1 over ALPN (as Zendesk's front ends negotiate it).
    func serverConfiguration() throws -> TLSConfiguration {
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMBytes(Array(certificateChainPEM.utf8)).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(privateKeyPEM.utf8), format: .pem))
        )
        configuration.applicationProtocols = ["http/1.1"]
        return configuration
    }

    static func ipv4Bytes(_ text: String) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        let bytes = parts.compactMap { UInt8($0) }
        return bytes.count == 4 ? bytes : nil
    }
}

/// Why the sandbox's certificate could not be made or read.
public enum SandboxTLSError: Error, CustomStringConvertible, Sendable {
    case invalidCertificate(String)
    case invalidKey(String)
    case invalidName(String)
    case generationFailed(String)

    /// A stable code for each case.
    public var code: String {
        switch self {
        case .invalidCertificate: "tls_invalid_certificate"
        case .invalidKey: "tls_invalid_key"
        case .invalidName: "tls_invalid_name"
        case .generationFailed: "tls_generation_failed"
        }
    }

    public var description: String {
        switch self {
        case .invalidCertificate(let why): "\(code): the TLS certificate file holds no usable PEM certificate (\(why))"
        case .invalidKey(let why): "\(code): the TLS key file holds no usable PEM private key (\(why))"
        case .invalidName(let name): "\(code): '\(name)' is not a DNS name or IPv4 address"
        case .generationFailed(let why): "\(code): could not generate the sandbox certificate (\(why))"
        }
    }
}
