namespace RetirementBridge.Deleters.Brevo;

/// <summary>The forms of a learner's address the deleter asks Brevo to delete.</summary>
internal static class BrevoEmail
{
    /// <summary>
    /// The trimmed address lower-cased and, when that differs, the trimmed address as the learner typed it; empty when
    /// there is no address. Brevo's reference does not say whether it matches an email identifier case-insensitively:
    /// deleting only one form could leave a contact stored under the other and report it gone. Both are asked, lower
    /// case first (how Brevo is understood to store addresses); a form Brevo does not have answers 404.
    /// </summary>
    public static IReadOnlyList<string> Forms(string? email)
    {
        if (string.IsNullOrWhiteSpace(email))
            return [];
        var typed = email.Trim();
        var lower = typed.ToLowerInvariant();
        return lower == typed ? [lower] : [lower, typed];
    }
}
