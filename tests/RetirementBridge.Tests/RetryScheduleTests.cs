using RetirementBridge.Deleters;
using RetirementBridge.Dispatch;
using RetirementBridge.Storage;

namespace RetirementBridge.Tests;

/// <summary>The one retry policy every deleter shares, with the bridge's default options.</summary>
public sealed class RetryScheduleTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private static readonly DispatchOptions Defaults = new();

    private static readonly DeleterOptions Deleter = new() { JobDeadline = TimeSpan.FromDays(30), JobCheckInterval = TimeSpan.FromMinutes(15) };

    private static ClaimedDelivery Delivery(DateTimeOffset deadline, int attempts = 0, DateTimeOffset? jobDeadline = null, int jobChecks = 0) =>
        new("dlv_1", "ret_1", "segment", attempts, deadline, jobDeadline is null ? null : "job-1",
            new RetiredLearner(1, "u", "e@x", null, null, "s"), jobDeadline, jobChecks);

    /// <param name="attempt">The attempt that just ended, 1 for the first.</param>
    private static AttemptRecord Decide(DeletionOutcome outcome, int attempt = 1, DateTimeOffset? deadline = null, double random = 0.5) =>
        new RetrySchedule(Defaults, () => random).Decide(Delivery(deadline ?? Now + Defaults.RetryDeadline, attempt - 1), "me", outcome, Now, Deleter);

    private static AttemptRecord DecideCheck(DeletionOutcome outcome, DateTimeOffset jobDeadline, int jobChecks = 0) =>
        new RetrySchedule(Defaults, () => 0.5).Decide(Delivery(Now - TimeSpan.FromDays(1), 1, jobDeadline, jobChecks), "me", outcome, Now, Deleter);

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

    [Fact]
    public void An_accepted_job_waits_on_the_provider_with_its_own_deadline()
    {
        var record = Decide(DeletionOutcome.Pending("job-1", TimeSpan.FromMinutes(5), "INITIALIZED"));
        Assert.Equal(DeliveryStatus.WaitingOnProvider, record.Status);
        Assert.Equal(Now + TimeSpan.FromMinutes(5), record.NextAttemptAt);
        Assert.Equal(Now + TimeSpan.FromDays(30), record.JobDeadline);
        Assert.True(record.CountsAsAttempt);
        Assert.Equal("job-1", record.ProviderReference);
    }

    [Fact]
    public void A_status_check_is_not_an_attempt_and_outlives_the_retry_deadline()
    {
        // The retry deadline passed a day ago; the job's own deadline has not.
        var running = DecideCheck(DeletionOutcome.Pending("job-1", status: "RUNNING"), Now + TimeSpan.FromDays(3));
        Assert.Equal(DeliveryStatus.WaitingOnProvider, running.Status);
        Assert.False(running.CountsAsAttempt);
        Assert.Equal(Now + Deleter.JobCheckInterval, running.NextAttemptAt);
        Assert.Equal(Now + TimeSpan.FromDays(3), running.JobDeadline);

        var unknown = DecideCheck(DeletionOutcome.Transient("HTTP 503"), Now + TimeSpan.FromDays(3), jobChecks: 2);
        Assert.Equal(DeliveryStatus.WaitingOnProvider, unknown.Status);
        Assert.Equal(Now + TimeSpan.FromSeconds(20), unknown.NextAttemptAt);
    }

    [Fact]
    public void A_job_finishes_fails_or_runs_out_of_time()
    {
        var jobDeadline = Now + TimeSpan.FromDays(3);
        Assert.Equal(DeliveryStatus.Succeeded, DecideCheck(DeletionOutcome.Deleted("job-1"), jobDeadline).Status);
        var failed = DecideCheck(DeletionOutcome.Permanent("job FAILED"), jobDeadline);
        Assert.Equal(DeliveryStatus.Dead, failed.Status);
        Assert.Equal("job FAILED", failed.LastError);
        var late = DecideCheck(DeletionOutcome.Pending("job-1", status: "RUNNING"), Now);
        Assert.Equal(DeliveryStatus.Dead, late.Status);
        Assert.Contains("did not finish by its deadline", late.LastError);
    }
}
