namespace RetirementBridge.Deleters;

/// <summary>How one learner's erasure in one external system stands after a deleter call.</summary>
public enum DeletionOutcomeKind
{
    /// <summary>The provider deleted the person.</summary>
    Deleted,

    /// <summary>The provider does not know the person: nothing to delete, which is success.</summary>
    Gone,

    /// <summary>Try again later: 5xx, 429, a timeout, a connection error.</summary>
    Transient,

    /// <summary>Trying again cannot help (a 4xx other than 404/408/429, bad credentials, a failed job): the delivery goes dead.</summary>
    Permanent,

    /// <summary>The provider accepted the erasure as a job that finishes later: check it again after <see cref="DeletionOutcome.CheckAfter"/>.</summary>
    Pending,

    /// <summary>Dry run: nothing was sent. Set by the bridge only, never by a deleter.</summary>
    DryRun,
}

/// <summary>
/// One learner's result from one deleter call. <see cref="Reason"/> and <see cref="ProviderReference"/> are stored and
/// shown to operators: they must never contain the learner's email or username (the pipeline withholds one that does).
/// </summary>
public sealed record DeletionOutcome
{
    private DeletionOutcome(DeletionOutcomeKind kind, string? reason, TimeSpan? retryAfter, string? providerReference, TimeSpan? checkAfter)
    {
        Kind = kind;
        Reason = reason;
        RetryAfter = retryAfter;
        ProviderReference = providerReference;
        CheckAfter = checkAfter;
    }

    public DeletionOutcomeKind Kind { get; }

    /// <summary>Why it failed, or what a job or dry run is doing, for operators (status codes, provider error types). No PII.</summary>
    public string? Reason { get; }

    /// <summary>For <see cref="DeletionOutcomeKind.Transient"/>: the provider asked us to wait this long (it pauses the
    /// whole deleter, since a rate limit is the account's).</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>What the provider calls this deletion (a job id, a count), if anything. No PII.</summary>
    public string? ProviderReference { get; }

    /// <summary>For <see cref="DeletionOutcomeKind.Pending"/>: when to ask about the job again.</summary>
    public TimeSpan? CheckAfter { get; }

    public bool IsSuccess => Kind is DeletionOutcomeKind.Deleted or DeletionOutcomeKind.Gone;

    public static DeletionOutcome Deleted(string? providerReference = null) =>
        new(DeletionOutcomeKind.Deleted, null, null, providerReference, null);

    public static DeletionOutcome Gone(string? providerReference = null) =>
        new(DeletionOutcomeKind.Gone, null, null, providerReference, null);

    public static DeletionOutcome Transient(string reason, TimeSpan? retryAfter = null, string? providerReference = null) =>
        new(DeletionOutcomeKind.Transient, reason, retryAfter, providerReference, null);

    public static DeletionOutcome Permanent(string reason, string? providerReference = null) =>
        new(DeletionOutcomeKind.Permanent, reason, null, providerReference, null);

    /// <summary>The provider accepted the erasure as job <paramref name="jobReference"/>; ask again after <paramref name="checkAfter"/>
    /// (null: the deleter's <c>JobCheckInterval</c>). <paramref name="status"/> is the provider's word for the job's state.</summary>
    public static DeletionOutcome Pending(string jobReference, TimeSpan? checkAfter = null, string? status = null) =>
        new(DeletionOutcomeKind.Pending, status is null ? "job accepted" : $"job {status}", null,
            string.IsNullOrWhiteSpace(jobReference) ? throw new ArgumentException("A pending job needs the provider's reference.", nameof(jobReference)) : jobReference,
            checkAfter);

    internal static DeletionOutcome DryRun(string whatWouldBeSent) =>
        new(DeletionOutcomeKind.DryRun, whatWouldBeSent, null, null, null);

    internal DeletionOutcome WithText(string? reason, string? providerReference) =>
        new(Kind, reason, RetryAfter, providerReference, CheckAfter);
}
