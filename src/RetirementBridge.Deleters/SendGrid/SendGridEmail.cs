namespace RetirementBridge.Deleters.SendGrid;

/// <summary>
/// The address as the deleter searches for it: trimmed and lower-cased (SendGrid stores and answers contact emails in
/// lower case; the search itself ignores case). An address the search cannot take is a visible failure, never sent and
/// never "gone": SendGrid refuses a whole search when one address in it is invalid, and silently drops an empty one.
/// </summary>
internal static class SendGridEmail
{
    public static readonly DeletionOutcome NoAddress = DeletionOutcome.Permanent("the learner has no email address");

    public static readonly DeletionOutcome TooLong = DeletionOutcome.Permanent(
        $"the address is longer than the {SendGridOptions.MaxSearchableEmailLength} characters SendGrid's search by email takes: erase the contact in SendGrid by hand");

    public static readonly DeletionOutcome NotAnAddress = DeletionOutcome.Permanent(
        "the address is not one SendGrid can search (not an email address, or spaces in it)");

    /// <summary>The address to search for, or the outcome that stops this learner before any request.</summary>
    public static (string? Email, DeletionOutcome? Problem) Normalize(string? email)
    {
        if (string.IsNullOrWhiteSpace(email))
            return (null, NoAddress);
        var normalized = email.Trim().ToLowerInvariant();
        if (normalized.Length > SendGridOptions.MaxSearchableEmailLength)
            return (null, TooLong);
        var at = normalized.LastIndexOf('@');
        if (at <= 0 || at == normalized.Length - 1 || normalized.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            return (null, NotAnAddress);
        return (normalized, null);
    }
}
