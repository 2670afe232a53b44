using RetirementBridge.Deleters;
using RetirementBridge.Dispatch;
using RetirementBridge.Storage;

namespace RetirementBridge.Tests;

/// <summary>The one retry policy every deleter shares, with the bridge's default options.</summary>
public sealed class RetryScheduleTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private static readonly DispatchOptions Defaults = new();

    private static ClaimedDelivery Delivery(DateTimeOffset deadline) =>
        new("dlv_1", "ret_1", "mailchimp", 0, deadline, null, new RetiredLearner(1, "u", "e@x", null, null, "s"));

    private static AttemptRecord Decide(DeletionOutcome outcome, int attempt = 1, DateTimeOffset? deadline = null, double random = 0.5) =>
        new RetrySchedule(Defaults, () => random).Decide(Delivery(deadline ?? Now + Defaults.RetryDeadline), "me", attempt, outcome, Now);

    [Fact]
    public void The_first_retry_comes_within_seconds_and_gaps_grow_to_hours()
    {
        var schedule = new RetrySchedule(Defaults, () => 0.5);
        Assert.Equal(TimeSpan.FromSeconds(5), schedule.Backoff(1));
        Assert.Equal(TimeSpan.FromSeconds(10), schedule.Backoff(2));
        Assert.True(schedule.Backoff(10) > TimeSpan.FromMinutes(30));
        Assert.Equal(TimeSpan.FromHours(6), schedule.Backoff(30));
        Assert.Equal(TimeSpan.FromHours(6), schedule.Backoff(int.MaxValue));
    }

    [Theory]
    [InlineData(0.0, 4.0)]
    [InlineData(1.0, 6.0)]
    public void Jitter_spreads_retries_by_up_to_a_fifth(double random, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), new RetrySchedule(Defaults, () => random).Backoff(1));

    [Fact]
    public void Deleted_and_gone_both_succeed()
    {
        Assert.Equal(DeliveryStatus.Succeeded, Decide(DeletionOutcome.Deleted("ref")).Status);
        var gone = Decide(DeletionOutcome.Gone());
        Assert.Equal(DeliveryStatus.Succeeded, gone.Status);
        Assert.Equal("gone", gone.Outcome);
    }

    [Fact]
    public void A_permanent_failure_is_dead_at_once()
    {
        var record = Decide(DeletionOutcome.Permanent("HTTP 401"));
        Assert.Equal(DeliveryStatus.Dead, record.Status);
        Assert.Equal("HTTP 401", record.LastError);
        Assert.Null(record.NextAttemptAt);
    }

    [Fact]
    public void A_transient_failure_waits_for_the_backoff()
    {
        var record = Decide(DeletionOutcome.Transient("HTTP 503"), attempt: 3);
        Assert.Equal(DeliveryStatus.FailedWillRetry, record.Status);
        Assert.Equal(Now + TimeSpan.FromSeconds(20), record.NextAttemptAt);
    }

    [Fact]
    public void Retry_After_wins_over_the_backoff()
    {
        var record = Decide(DeletionOutcome.Transient("HTTP 429", TimeSpan.FromMinutes(3)), attempt: 1);
        Assert.Equal(Now + TimeSpan.FromMinutes(3), record.NextAttemptAt);
    }

    [Fact]
    public void The_last_retry_happens_at_the_deadline_and_a_failure_after_it_is_dead()
    {
        var deadline = Now + TimeSpan.FromSeconds(2);
        Assert.Equal(deadline, Decide(DeletionOutcome.Transient("HTTP 503"), deadline: deadline).NextAttemptAt);

        var late = Decide(DeletionOutcome.Transient("HTTP 503"), deadline: Now);
        Assert.Equal(DeliveryStatus.Dead, late.Status);
        Assert.Contains("deadline", late.LastError);
    }
}
