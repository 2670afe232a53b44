using RetirementBridge.Deleters;

namespace RetirementBridge.Storage;

/// <summary>Delivery states, as stored and as shown by the admin API.</summary>
public static class DeliveryStatus
{
    public const string Pending = "pending";
    public const string InProgress = "in_progress";
    public const string Succeeded = "succeeded";
    public const string FailedWillRetry = "failed_will_retry";
    public const string Dead = "dead";

    /// <summary>An operator closed it by hand with a reason: nothing more is sent, and it no longer needs the identity.</summary>
    public const string Closed = "closed";

    /// <summary>The provider accepted the erasure as a job; its status is checked when due (not a retry).</summary>
    public const string WaitingOnProvider = "waiting_on_provider";

    /// <summary>The deleter is in dry run: nothing was sent. Made pending again when dry run is turned off.</summary>
    public const string DryRun = "dry_run";

    public static readonly IReadOnlyList<string> All = [Pending, InProgress, Succeeded, FailedWillRetry, WaitingOnProvider, DryRun, Dead, Closed];

    /// <summary>States an operator may close: everything not finished and not running.</summary>
    public static readonly IReadOnlyList<string> Closable = [Pending, FailedWillRetry, WaitingOnProvider, DryRun, Dead];
}

/// <summary>A verified, validated notification about to be recorded.</summary>
public sealed record IncomingRetirement(
    string WebhookId,
    string BodySha256,
    RetiredLearner Learner,
    string? IdentitySource,
    DateTimeOffset? EventTimestamp,
    DateTimeOffset ReceivedAt,
    DateTimeOffset Deadline);

public sealed record AcceptResult(string RetirementId, bool Duplicate, bool DuplicateWithDifferentBody);

/// <summary>A delivery leased to this process, with what its deleter needs.</summary>
/// <param name="JobDeadline">Set while the provider is working on an accepted job: this claim is a status check.</param>
/// <param name="JobChecks">How many status checks its job has had.</param>
public sealed record ClaimedDelivery(
    string DeliveryId,
    string RetirementId,
    string Deleter,
    int Attempts,
    DateTimeOffset Deadline,
    string? ProviderReference,
    RetiredLearner Learner,
    DateTimeOffset? JobDeadline = null,
    int JobChecks = 0)
{
    public bool ChecksJob => JobDeadline is not null;
}

/// <summary>The state a finished call moves one delivery to.</summary>
/// <param name="CountsAsAttempt">False for a job status check and a dry run: neither uses up a retry.</param>
/// <param name="JobDeadline">Set when the delivery waits on a provider's job; null clears it.</param>
public sealed record AttemptRecord(
    string DeliveryId,
    string Owner,
    string Status,
    DateTimeOffset FinishedAt,
    DateTimeOffset? NextAttemptAt,
    string? Outcome,
    string? LastError,
    string? ProviderReference,
    bool CountsAsAttempt = true,
    DateTimeOffset? JobDeadline = null)
{
    /// <summary>A status check of a provider's job (counted in job_checks): neither an attempt nor a dry run.</summary>
    public bool IsJobCheck => !CountsAsAttempt && Outcome != "dry_run";
}

public sealed record DeliveryView(
    string DeliveryId,
    string RetirementId,
    string Deleter,
    string Status,
    int Attempts,
    string? Outcome,
    DateTimeOffset? NextAttemptAt,
    DateTimeOffset Deadline,
    string? LastError,
    string? ProviderReference,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? CompletedAt,
    DeliveryClosure? Closure,
    DateTimeOffset? JobDeadline,
    int JobChecks);

/// <summary>An operator's closing of a delivery: who (the admin token's fingerprint), when and why. No PII.</summary>
public sealed record DeliveryClosure(string ClosedBy, DateTimeOffset ClosedAt, string Reason);

/// <summary>How a closing went, and the retirement it touched (when found).</summary>
public sealed record CloseOutcome(CloseResult Result, string? RetirementId);

public enum CloseResult
{
    Closed,
    NotFound,
    /// <summary>Succeeded or already closed: nothing left to close.</summary>
    NothingToClose,
    /// <summary>An attempt is running; closing now would race its outcome.</summary>
    Running,
    /// <summary>The reason names the learner; it is kept for years, so it must not.</summary>
    ReasonNamesLearner,
}

/// <summary>Finds retirements by the learner's LMS id (optionally on one site) or by the notification's webhook-id.</summary>
public sealed record RetirementQuery(long? LmsUserId, string? Site, string? WebhookId, int Limit);

/// <summary>A retirement as operators see it: no email, no username (those are erased from the store once every
/// deleter has succeeded).</summary>
public sealed record RetirementView(
    string RetirementId,
    string WebhookId,
    long LmsUserId,
    string? RetiredUsername,
    string Site,
    string? IdentitySource,
    DateTimeOffset ReceivedAt,
    DateTimeOffset? CompletedAt,
    bool PersonalDataErased,
    IReadOnlyList<DeliveryView> Deliveries);

public sealed record DeliveryQuery(string? Status, string? Deleter, int Limit, string? After);

public enum ReplayResult { Replayed, NotFound, NotReplayable }
