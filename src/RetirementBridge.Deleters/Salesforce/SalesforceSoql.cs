using System.Text;

namespace RetirementBridge.Deleters.Salesforce;

/// <summary>
/// The SOQL the deleter sends: <c>SELECT Id, Email FROM {Lead|Contact} WHERE Email IN ('…', '…')</c>, with each
/// address a quoted literal escaped by SOQL's rules (a backslash before <c>\</c> and <c>'</c>), so that an address
/// can never end the literal and change the query.
/// </summary>
internal static class SalesforceSoql
{
    /// <summary>
    /// The longest query, URL-escaped, one request carries. Salesforce refuses a request line and headers over 16,384
    /// bytes (414/431), and proxies often stop at 8 KB: 7,500 leaves room for the path and the headers.
    /// </summary>
    public const int MaxEncodedQueryLength = 7_500;

    /// <summary>The longest address there can be (RFC 5321); Salesforce's own Email fields hold far fewer characters.</summary>
    public const int MaxEmailLength = 254;

    /// <summary>
    /// Why this address is not sent to Salesforce (null when it can be): an empty one would match nobody or, worse,
    /// everybody without an address; a control character or an over-long address is no address at all, and asking
    /// about it could only make the whole batch's query fail.
    /// </summary>
    public static string? WhyNotQueryable(string? email)
    {
        if (string.IsNullOrWhiteSpace(email))
            return "the learner has no email address";
        var trimmed = email.Trim();
        if (trimmed.Any(char.IsControl))
            return "the learner's email address holds a control character (not an address Salesforce can hold)";
        if (trimmed.Length > MaxEmailLength)
            return $"the learner's email address is longer than {MaxEmailLength} characters (not an address Salesforce can hold)";
        return null;
    }

    /// <summary>
    /// The values asked for one address: as the learner typed it (trimmed) and, when different, lower-cased.
    /// Salesforce compares Email without regard to case, but in the run-as user's locale (a Turkish locale does not
    /// take I for i): the lower-cased form still finds an address stored lower-cased.
    /// </summary>
    public static IReadOnlyList<string> Values(string email)
    {
        var typed = email.Trim();
        var lower = typed.ToLowerInvariant();
        return string.Equals(typed, lower, StringComparison.Ordinal) ? [typed] : [typed, lower];
    }

    /// <summary>A SOQL string literal: quoted, with <c>\</c> and <c>'</c> escaped by a backslash.</summary>
    public static string Literal(string value)
    {
        var literal = new StringBuilder(value.Length + 8).Append('\'');
        foreach (var c in value)
        {
            if (c is '\\' or '\'')
                literal.Append('\\');
            literal.Append(c);
        }
        return literal.Append('\'').ToString();
    }

    /// <summary><c>SELECT Id, Email FROM {sobject} WHERE Email IN (…)</c> for these values, in this order.</summary>
    public static string FindByEmail(string sobject, IEnumerable<string> values) =>
        $"{Prefix(sobject)}{string.Join(Separator, values.Select(Literal))})";

    /// <summary>
    /// The addresses grouped into as few queries as fit <paramref name="maxEncodedLength"/> once URL-escaped, in order;
    /// usually one group for the whole batch. An address too long for a query of its own still gets one.
    /// </summary>
    public static IEnumerable<IReadOnlyList<string>> Group(string sobject, IReadOnlyList<string> emails, int maxEncodedLength = MaxEncodedQueryLength)
    {
        // URL escaping maps each character on its own, so a query's escaped length is the sum of its parts'.
        var fixedLength = Escaped(Prefix(sobject)) + Escaped(")");
        var separatorLength = Escaped(Separator);
        var group = new List<string>();
        var length = fixedLength;
        foreach (var email in emails)
        {
            var values = Values(email);
            var added = values.Sum(value => Escaped(Literal(value))) + (separatorLength * values.Count);
            if (group.Count > 0 && length + added - separatorLength > maxEncodedLength)
            {
                yield return group;
                group = [];
                length = fixedLength;
            }
            group.Add(email);
            length += added;
        }
        if (group.Count > 0)
            yield return group;
    }

    private const string Separator = ", ";

    private static string Prefix(string sobject) => $"SELECT Id, Email FROM {sobject} WHERE Email IN (";

    private static int Escaped(string text) => Uri.EscapeDataString(text).Length;
}
