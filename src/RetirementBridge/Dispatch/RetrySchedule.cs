using RetirementBridge.Deleters;
using RetirementBridge.Storage;

namespace RetirementBridge.Dispatch;

/// <summary>What a finished call does to each of its deliveries: the one place that decides retries, job checks and
/// deadlines for every deleter.</summary>
public sealed class RetrySchedule(DispatchOptions options, Func<double> random)
{
    public RetrySchedule(DispatchOptions options) : this(options, Random.Shared.NextDouble) { }

    /// <summary>The new state of <paramref name="delivery"/> after a call that gave it <paramref name="outcome"/>.</summary>
    public AttemptRecord Decide(ClaimedDelivery delivery, string owner, DeletionOutcome outcome, DateTimeOffset now, DeleterOptions deleter) =>
        delivery.ChecksJob ? DecideCheck(delivery, owner, outcome, now, deleter) : DecideErase(delivery, owner, outcome, now, deleter);

    private AttemptRecord DecideErase(ClaimedDelivery delivery, string owner, DeletionOutcome outcome, DateTimeOffset now, DeleterOptions deleter)
    {
        AttemptRecord Record(string status, DateTimeOffset? next, string? error, bool counts = true, DateTimeOffset? jobDeadline = null) =>
            new(delivery.DeliveryId, owner, status, now, next, Word(outcome), error, outcome.ProviderReference, counts, jobDeadline);

        switch (outcome.Kind)
        {
            case DeletionOutcomeKind.Deleted or DeletionOutcomeKind.Gone:
                return Record(DeliveryStatus.Succeeded, null, null);
            case DeletionOutcomeKind.Permanent:
                return Record(DeliveryStatus.Dead, null, outcome.Reason ?? "permanent failure");
            case DeletionOutcomeKind.DryRun:
                return Record(DeliveryStatus.DryRun, null, outcome.Reason, counts: false);
            case DeletionOutcomeKind.Pending:
                // The erase request was this attempt; from now on only the job's status is asked, until its own deadline.
                return Record(DeliveryStatus.WaitingOnProvider, now + (outcome.CheckAfter ?? deleter.JobCheckInterval), outcome.Reason,
                    jobDeadline: now + deleter.JobDeadline);
        }

        var reason = outcome.Reason ?? "transient failure";
        if (now >= delivery.Deadline)
            return Record(DeliveryStatus.Dead, null, $"{reason}; retry deadline passed");
        // The provider's Retry-After wins over our own backoff; the deadline caps both, so the last try happens
        // at the deadline rather than never.
        var next = now + (outcome.RetryAfter ?? Backoff(delivery.Attempts + 1));
        return Record(DeliveryStatus.FailedWillRetry, next > delivery.Deadline ? delivery.Deadline : next, reason);
    }

    /// <summary>A status check of an accepted job: never a retry attempt, bounded by the job's own deadline.</summary>
    private AttemptRecord DecideCheck(ClaimedDelivery delivery, string owner, DeletionOutcome outcome, DateTimeOffset now, DeleterOptions deleter)
    {
        var jobDeadline = delivery.JobDeadline!.Value;
        AttemptRecord Record(string status, DateTimeOffset? next, string? error) =>
            new(delivery.DeliveryId, owner, status, now, next, Word(outcome), error, outcome.ProviderReference, CountsAsAttempt: false,
                JobDeadline: status == DeliveryStatus.WaitingOnProvider ? jobDeadline : null);

        switch (outcome.Kind)
        {
            case DeletionOutcomeKind.Deleted or DeletionOutcomeKind.Gone:
                return Record(DeliveryStatus.Succeeded, null, null);
            case DeletionOutcomeKind.Permanent:
                return Record(DeliveryStatus.Dead, null, outcome.Reason ?? "the provider's job failed");
            case DeletionOutcomeKind.DryRun:
                return Record(DeliveryStatus.DryRun, null, outcome.Reason);
        }
        var reason = outcome.Kind == DeletionOutcomeKind.Pending ? outcome.Reason : $"job status unknown: {outcome.Reason}";
        if (now >= jobDeadline)
            return Record(DeliveryStatus.Dead, null, $"{reason}; the job did not finish by its deadline ({deleter.JobDeadline.TotalDays:0.#} days)");
        var wait = outcome.Kind == DeletionOutcomeKind.Pending
            ? outcome.CheckAfter ?? deleter.JobCheckInterval
            : outcome.RetryAfter ?? Backoff(delivery.JobChecks + 1);
        var next = now + wait;
        return Record(DeliveryStatus.WaitingOnProvider, next > jobDeadline ? jobDeadline : next, reason);
    }

    private static string Word(DeletionOutcome outcome) => outcome.Kind switch
    {
        DeletionOutcomeKind.DryRun => "dry_run",
        _ => outcome.Kind.ToString().ToLowerInvariant(),
    };

    /// <summary>FirstRetryDelay × 2^(attempt-1), capped at MaxRetryDelay, scaled by the jitter factor.</summary>
    public TimeSpan Backoff(int attempt)
    {
        var exponent = Math.Min(Math.Max(attempt - 1, 0), 40);
        var ticks = Math.Min(options.FirstRetryDelay.Ticks * Math.Pow(2, exponent), options.MaxRetryDelay.Ticks);
        var factor = 1 + options.Jitter * (2 * random() - 1);
        return TimeSpan.FromTicks((long)Math.Min(ticks * factor, options.MaxRetryDelay.Ticks));
    }
}
