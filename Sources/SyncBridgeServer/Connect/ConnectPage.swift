import Foundation
import Hummingbird

/// The few HTML pages of the connect flow: plain, accessible, no scripts.
enum ConnectPage {
    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;").replacingOccurrences(of: "'", with: "&#39;")
    }

    /// A page; `body` is HTML already escaped where it holds input.
    static func page(_ title: String, _ body: String, status: HTTPResponse.Status = .ok) -> Response {
        let html = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(title))</title>
            <style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#1a1a1a}
            input,button{font:inherit;padding:.5rem .75rem}button{background:#17494d;color:#fff;border:0;border-radius:4px}
            :focus-visible{outline:3px solid #1f73b7;outline-offset:2px}</style></head>
            <body><main><h1>\(escape(title))</h1>
            \(body)
            </main></body></html>
            """
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// The form asking for the account's subdomain (or confirming the one the link fixed).
    static func form(action: String, fixed: String?) -> Response {
        let field =
            fixed.map { "<p>Connect <strong>\(escape($0))</strong>.</p>" } ?? """
                <p><label for="subdomain">Your Zendesk subdomain</label><br>
                <input id="subdomain" name="subdomain" required pattern="[A-Za-z0-9-]+" autocomplete="off">.zendesk.com</p>
                """
        return page(
            "Connect your Zendesk account",
            """
            <form method="post" action="\(escape(action))">
            \(field)
            <p><button type="submit" id="continue">Continue to Zendesk</button></p>
            </form>
            """)
    }

    /// A 302 to `location`.
    static func redirect(_ location: String) -> Response {
        var headers = HTTPFields()
        headers[.location] = location
        headers[.cacheControl] = "no-store"
        return Response(status: .found, headers: headers)
    }

    /// `uri` with query parameters added.
    static func url(_ uri: String, _ parameters: [(String, String)]) -> String {
        guard var components = URLComponents(string: uri) else { return uri }
        let existing = components.queryItems ?? []
        components.queryItems = existing + parameters.map { URLQueryItem(name: $0.0, value: $0.1) }
        return components.string ?? uri
    }
}
