namespace RetirementBridge.Deleters.Mailgun;

/// <summary>The forms of a learner's address the deleter removes from Mailgun.</summary>
public static class MailgunAddress
{
    /// <summary>
    /// The trimmed address as the learner typed it, and its lower-case form when that differs; none when there is no
    /// address. Mailgun does not document whether it matches addresses case-insensitively, and a form it does not
    /// match answers 404, which alone would read as "not there": removing both forms cannot miss the one stored.
    /// </summary>
    public static IReadOnlyList<string> Variants(string? email)
    {
        if (string.IsNullOrWhiteSpace(email))
            return [];
        var typed = email.Trim();
        var lower = typed.ToLowerInvariant();
        return lower == typed ? [typed] : [typed, lower];
    }
}
