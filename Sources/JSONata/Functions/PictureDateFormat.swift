/// XPath date/time picture strings for `$fromMillis` and `$toMillis` (filled in below).
enum PictureDateFormat {
    static func format(millis: Double, picture: String, timezone: String?) throws(JSONataError) -> String {
        DateTimeFormatting.iso(millis)
    }

    static func parse(_ s: String, picture: String) throws(JSONataError) -> Double? {
        try DateTimeFormatting.parseISO(s)
    }
}
