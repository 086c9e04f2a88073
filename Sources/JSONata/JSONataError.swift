/// A JSONata compile or evaluation error, with the official error code (`S0201`, `T2001`, …) and the position in the
/// expression where it was detected.
public struct JSONataError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The official code: S (syntax), T (type), D (dynamic), U (limits).
    public let code: String
    /// Character offset in the expression (0 when unknown).
    public var position: Int
    /// The token the error is about, when there is one.
    public var token: String?
    /// A human-readable explanation.
    public var message: String

    public init(_ code: String, position: Int = 0, token: String? = nil, message: String? = nil) {
        self.code = code
        self.position = position
        self.token = token
        self.message = message ?? JSONataError.messages[code] ?? "JSONata error"
    }

    public var description: String {
        "\(code) at position \(position)\(token.map { " (\($0))" } ?? ""): \(message)"
    }

    func at(_ position: Int, token: String? = nil) -> JSONataError {
        var e = self
        if e.position == 0 { e.position = position }
        if e.token == nil { e.token = token }
        return e
    }

    static let messages: [String: String] = [
        "S0101": "String literal must be terminated by a matching quote",
        "S0102": "Number out of range",
        "S0103": "Unsupported escape sequence",
        "S0104": "The escape sequence \\u must be followed by 4 hex digits",
        "S0105": "Quoted property name must be terminated with a backquote (`)",
        "S0106": "Comment has no closing tag",
        "S0201": "Syntax error",
        "S0202": "Expected a different token",
        "S0203": "Expected a token before end of expression",
        "S0204": "Unknown operator",
        "S0205": "Unexpected token",
        "S0206": "Unknown expression type",
        "S0207": "Unexpected end of expression",
        "S0208": "Parameter of a function definition must be a variable name (start with $)",
        "S0209": "A predicate cannot follow a grouping expression in a step",
        "S0210": "Each step can only have one grouping expression",
        "S0211": "The symbol cannot be used as a unary operator",
        "S0212": "The left side of := must be a variable name (start with $)",
        "S0213": "The literal value cannot be used as a step within a path expression",
        "S0214": "The right side of the operator must be a variable name (start with $)",
        "S0215": "A context variable binding must precede any predicates on a step",
        "S0216": "A context variable binding must precede the 'order-by' clause on a step",
        "S0217": "The object representing the 'parent' cannot be derived from this expression",
        "S0218": "The expression is nested too deeply",
        "S0301": "Empty regular expressions are not allowed",
        "S0302": "No terminating / in regular expression",
        "S0402": "Choice groups containing parameterized types are not supported",
        "S0401": "Type parameters can only be applied to functions and arrays",
        "S0500": "Attempted to evaluate an expression containing syntax error(s)",
        "T0410": "Argument of function does not match function signature",
        "T0411": "Context value is not a compatible type with argument of function",
        "T0412": "Argument of function must be an array of the right type",
        "D1001": "Number out of range",
        "D1002": "Cannot negate a non-numeric value",
        "D1004": "Regular expression matches zero length string",
        "D1009": "Multiple key definitions evaluate to same key",
        "D1010": "Attempted to access the Javascript object prototype",
        "T1003": "Key in object structure must evaluate to a string",
        "T1005": "Attempted to invoke a non-function. Did you mean ${token}?",
        "T1006": "Attempted to invoke a non-function",
        "T1007": "Attempted to partially apply a non-function. Did you mean ${token}?",
        "T1008": "Attempted to partially apply a non-function",
        "T2001": "The left side of the arithmetic operator must evaluate to a number",
        "T2002": "The right side of the arithmetic operator must evaluate to a number",
        "T2003": "The left side of the range operator (..) must evaluate to an integer",
        "T2004": "The right side of the range operator (..) must evaluate to an integer",
        "D2005": "The left side of := must be a variable name (start with $)",
        "T2006": "The right side of the function application operator ~> must be a function",
        "T2007": "Type mismatch when comparing values in order-by clause",
        "T2008": "The expressions within an order-by clause must evaluate to numeric or string values",
        "T2009": "The values either side of the operator must be of the same data type",
        "T2010": "The expressions either side of operator must evaluate to numeric or string values",
        "T2011": "The insert/update clause of the transform expression must evaluate to an object",
        "T2012": "The delete clause of the transform expression must evaluate to a string or array of strings",
        "T2013":
            "The transform expression clones the input object using the $clone() function. This has been overridden in the current scope by a non-function.",
        "D2014": "The size of the sequence allocated by the range operator (..) must not exceed 1e7",
        "D3001": "Attempting to invoke string function on Infinity or NaN",
        "D3010": "Second argument of replace function cannot be an empty string",
        "D3011": "Fourth argument of replace function must evaluate to a positive number",
        "D3012": "Attempted to replace a matched string with a non-string value",
        "D3020": "Third argument of split function must evaluate to a positive number",
        "D3030": "Unable to cast value to a number",
        "D3040": "Third argument of match function must evaluate to a positive number",
        "D3050": "The second argument of reduce function must be a function with at least two arguments",
        "D3060": "The sqrt function cannot be applied to a negative number",
        "D3061": "The power function has resulted in a value that cannot be represented as a JSON number",
        "D3070": "The single argument form of the sort function can only be applied to an array of strings or an array of numbers",
        "D3080": "The picture string must only contain a maximum of two sub-pictures",
        "D3081": "The sub-picture must not contain more than one instance of the 'decimal-separator' character",
        "D3082": "The sub-picture must not contain more than one instance of the 'percent' character",
        "D3083": "The sub-picture must not contain more than one instance of the 'per-mille' character",
        "D3084": "The sub-picture must not contain both a 'percent' and a 'per-mille' character",
        "D3085":
            "The mantissa part of a sub-picture must contain at least one character that is either an 'optional digit character' or a member of the 'decimal digit family'",
        "D3086":
            "The sub-picture must not contain a passive character that is preceded by an active character and that is followed by another active character",
        "D3087": "The sub-picture must not contain a 'grouping-separator' character that appears adjacent to a 'decimal-separator' character",
        "D3088": "The sub-picture must not contain a 'grouping-separator' at the end of the integer part",
        "D3089": "The sub-picture must not contain two adjacent instances of the 'grouping-separator' character",
        "D3090":
            "The integer part of the sub-picture must not contain a member of the 'decimal digit family' that is followed by an instance of the 'optional digit character'",
        "D3091":
            "The fractional part of the sub-picture must not contain an instance of the 'optional digit character' that is followed by a member of the 'decimal digit family'",
        "D3092": "A sub-picture that contains a 'percent' or 'per-mille' character must not contain a character treated as an 'exponent-separator'",
        "D3093": "The exponent part of the sub-picture must comprise only of one or more characters that are members of the 'decimal digit family'",
        "D3100": "The radix of the formatBase function must be between 2 and 36",
        "D3110": "Unable to parse the timestamp",
        "D3120": "Syntax error in expression passed to function eval",
        "D3121": "Dynamic error evaluating the expression passed to function eval",
        "D3130": "Formatting or parsing an integer as a sequence starting with a character other than 0 or 1 is not supported",
        "D3131": "In a decimal digit pattern, all digits must be from the same decimal group",
        "D3132": "Unknown component specifier in date/time picture string",
        "D3133": "The 'name' modifier can only be applied to months and days in the date/time picture string, not to the component",
        "D3134": "The timezone integer format specifier cannot have more than four digits",
        "D3135": "No matching closing bracket ']' in date/time picture string",
        "D3136": "The date/time picture string is missing specifiers required to parse the timestamp",
        "D3137": "Assertion failed",
        "D3138": "The $single() function expected exactly 1 matching result. Instead it matched more.",
        "D3139": "The $single() function expected exactly 1 matching result. Instead it matched 0.",
        "D3140": "Malformed URL passed to $decodeUrl(), $decodeUrlComponent(), $encodeUrl() or $encodeUrlComponent()",
        "D3141": "Error",
        "U1001": "Stack overflow error: evaluation exceeded the depth limit",
        "U1002": "Expression evaluation timeout: check for infinite loop",
        "U1004": "A value is nested too deeply",
        "U1005": "A value or string would be too large",
        "U1006": "The date or time is out of range",
    ]
}
