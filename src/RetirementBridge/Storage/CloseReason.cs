using System.Text.RegularExpressions;

namespace RetirementBridge.Storage;

/// <summary>
/// An operator's reason for closing a delivery is kept as long as the pseudonymous record, long after the identity is
/// purged, so it must not name the learner. The store checks it against the identity it still holds.
/// </summary>
internal static partial class CloseReason
{
    public static bool NamesLearner(string reason, string? username, string? email)
    {
        if (email is not null && reason.Contains(email, StringComparison.OrdinalIgnoreCase))
            return true;
        if (string.IsNullOrEmpty(username))
            return false;
        // Whole words only: a short username must not forbid ordinary words that merely contain it.
        return NonWordCharacters().Split(reason).Any(word => word.Trim('.').Equals(username, StringComparison.OrdinalIgnoreCase));
    }

    // Open edX usernames are letters, digits, '_', '-' (and '.' in some sites); anything else separates words.
    [GeneratedRegex(@"[^\p{L}\p{N}_.\-]+")]
    private static partial Regex NonWordCharacters();
}
