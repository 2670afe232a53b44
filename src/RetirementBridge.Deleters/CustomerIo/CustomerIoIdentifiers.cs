using System.Globalization;

namespace RetirementBridge.Deleters.CustomerIo;

/// <summary>The identifiers one learner is deleted (and suppressed) by, in the order they are sent.</summary>
internal static class CustomerIoIdentifiers
{
    /// <summary>
    /// <see cref="CustomerIoIdentifier.LmsUserId"/>: the LMS user id, nothing else (none when the LMS gave none).
    /// <see cref="CustomerIoIdentifier.Email"/>: the trimmed address as the LMS has it and, when that differs, its
    /// lower-case form. Customer.io answers 200 whether or not it had the person, so a deletion by an address in the
    /// wrong case would pass for an erasure: sending both forms erases the person whichever form the workspace holds.
    /// None when the learner has no address.
    /// </summary>
    public static IReadOnlyList<string> For(RetiredLearner learner, CustomerIoIdentifier identifier)
    {
        if (identifier == CustomerIoIdentifier.LmsUserId)
            return learner.LmsUserId > 0 ? [learner.LmsUserId.ToString(CultureInfo.InvariantCulture)] : [];

        if (string.IsNullOrWhiteSpace(learner.Email))
            return [];
        var email = learner.Email.Trim();
        var lower = email.ToLowerInvariant();
        return lower == email ? [email] : [email, lower];
    }
}
