namespace RetirementBridge.Deleters;

/// <summary>How one attempt of one deleter ended. The dispatcher turns it into the delivery's next state.</summary>
public enum DeletionOutcomeKind
{
    /// <summary>The provider deleted the person.</summary>
    Deleted,

    /// <summary>The provider does not know the person: nothing to delete, which is success.</summary>
    Gone,

    /// <summary>Try again later: 5xx, 429, a timeout, a connection error.</summary>
    Transient,

    /// <summary>Trying again cannot help (a 4xx other than 404/408/429, bad credentials): the delivery goes dead.</summary>
    Permanent,
}

/// <summary>
/// The result of one deletion attempt. <see cref="Reason"/> and <see cref="ProviderReference"/> are stored and shown
/// to operators: they must never contain the learner's email or username.
/// </summary>
public sealed record DeletionOutcome
{
    private DeletionOutcome(DeletionOutcomeKind kind, string? reason, TimeSpan? retryAfter, string? providerReference)
    {
        Kind = kind;
        Reason = reason;
        RetryAfter = retryAfter;
        ProviderReference = providerReference;
    }

    public DeletionOutcomeKind Kind { get; }

    /// <summary>Why it failed, for operators (status codes, provider error types). No PII.</summary>
    public string? Reason { get; }

    /// <summary>For <see cref="DeletionOutcomeKind.Transient"/>: the provider asked us to wait this long.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>What the provider calls this deletion (a job id, a count), if anything. No PII.</summary>
    public string? ProviderReference { get; }

    public bool IsSuccess => Kind is DeletionOutcomeKind.Deleted or DeletionOutcomeKind.Gone;

    public static DeletionOutcome Deleted(string? providerReference = null) =>
        new(DeletionOutcomeKind.Deleted, null, null, providerReference);

    public static DeletionOutcome Gone(string? providerReference = null) =>
        new(DeletionOutcomeKind.Gone, null, null, providerReference);

    public static DeletionOutcome Transient(string reason, TimeSpan? retryAfter = null, string? providerReference = null) =>
        new(DeletionOutcomeKind.Transient, reason, retryAfter, providerReference);

    public static DeletionOutcome Permanent(string reason, string? providerReference = null) =>
        new(DeletionOutcomeKind.Permanent, reason, null, providerReference);
}
