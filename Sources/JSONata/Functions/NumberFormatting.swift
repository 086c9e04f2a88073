/// `$formatNumber`: XPath `format-number` pictures (filled in below).
enum NumberFormatting {
    static func format(_ n: Double, picture: String, options: JObject?) throws(JSONataError) -> String {
        JSONText.numberString(n)
    }
}
