namespace RetirementBridge.Deleters;

/// <summary>
/// Who is being erased. Only deleters and the store ever see these values: never log them, never put them in an
/// exception message or a metric. <see cref="ToString"/> is redacted so that an accidental
/// <c>{Learner}</c> in a log template leaks nothing.
/// </summary>
public sealed class RetiredLearner
{
    public RetiredLearner(long lmsUserId, string username, string email, string? retiredUsername, string? retiredEmail, string site)
    {
        LmsUserId = lmsUserId;
        Username = username;
        Email = email;
        RetiredUsername = retiredUsername;
        RetiredEmail = retiredEmail;
        Site = site;
    }

    /// <summary>The LMS's numeric user id (auth_user.id); the LMS keeps it after retirement.</summary>
    public long LmsUserId { get; }

    /// <summary>The original username, as it was before retirement.</summary>
    public string Username { get; }

    /// <summary>The original email address, as the learner typed it (case preserved).</summary>
    public string Email { get; }

    /// <summary>The pseudonym the LMS gives the learner after retirement; null when the sender could not tell it.</summary>
    public string? RetiredUsername { get; }

    /// <summary>The pseudonymous address the LMS gives the learner after retirement; null when unknown.</summary>
    public string? RetiredEmail { get; }

    /// <summary>The LMS site (host name) that sent the retirement.</summary>
    public string Site { get; }

    public override string ToString() => $"RetiredLearner(lms_user_id={LmsUserId}, site={Site})";
}
