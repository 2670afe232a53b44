using RetirementBridge.Deleters;
using RetirementBridge.Storage;

namespace RetirementBridge.Dispatch;

/// <summary>What a finished attempt does to its delivery: the one place that decides retries for every deleter.</summary>
public sealed class RetrySchedule(DispatchOptions options, Func<double> random)
{
    public RetrySchedule(DispatchOptions options) : this(options, Random.Shared.NextDouble) { }

    /// <param name="attempt">The attempt that just ended, 1 for the first.</param>
    public AttemptRecord Decide(ClaimedDelivery delivery, string owner, int attempt, DeletionOutcome outcome, DateTimeOffset now)
    {
        AttemptRecord Record(string status, DateTimeOffset? next, string? error) =>
            new(delivery.DeliveryId, owner, status, now, next, outcome.Kind.ToString().ToLowerInvariant(), error, outcome.ProviderReference);

        switch (outcome.Kind)
        {
            case DeletionOutcomeKind.Deleted or DeletionOutcomeKind.Gone:
                return Record(DeliveryStatus.Succeeded, null, null);
            case DeletionOutcomeKind.Permanent:
                return Record(DeliveryStatus.Dead, null, outcome.Reason ?? "permanent failure");
        }

        var reason = outcome.Reason ?? "transient failure";
        if (now >= delivery.Deadline)
            return Record(DeliveryStatus.Dead, null, $"{reason}; retry deadline passed");

        // The provider's Retry-After wins over our own backoff; the deadline caps both, so the last try happens
        // at the deadline rather than never.
        var next = now + (outcome.RetryAfter ?? Backoff(attempt));
        if (next > delivery.Deadline)
            next = delivery.Deadline;
        return Record(DeliveryStatus.FailedWillRetry, next, reason);
    }

    /// <summary>FirstRetryDelay × 2^(attempt-1), capped at MaxRetryDelay, scaled by the jitter factor.</summary>
    public TimeSpan Backoff(int attempt)
    {
        var exponent = Math.Min(Math.Max(attempt - 1, 0), 40);
        var ticks = Math.Min(options.FirstRetryDelay.Ticks * Math.Pow(2, exponent), options.MaxRetryDelay.Ticks);
        var factor = 1 + options.Jitter * (2 * random() - 1);
        return TimeSpan.FromTicks((long)Math.Min(ticks * factor, options.MaxRetryDelay.Ticks));
    }
}
