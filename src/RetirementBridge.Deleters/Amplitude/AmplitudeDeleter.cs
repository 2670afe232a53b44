using System.Globalization;
using System.Text.Json;
using MediatR;

namespace RetirementBridge.Deleters.Amplitude;

/// <summary>
/// Erases learners from Amplitude with the User Privacy API: one <c>POST /api/2/deletions/users</c> per batch of up to
/// 100 LMS user ids. Amplitude does not delete at once: it adds the users to the project's deletion job for a day 10
/// to 13 days ahead, so each learner's outcome is <see cref="DeletionOutcome.Pending"/> with that job's day as the
/// reference ("amplitude job 2026-12-05"). A check lists the jobs of the days its learners' references name, with one
/// request per call (<c>GET /api/2/deletions/users?start_day=&amp;end_day=</c>): done is deleted; staging or
/// submitted is still pending; a job no longer listed, or in a status Amplitude does not document, is a permanent
/// failure.
/// </summary>
/// <remarks>
/// With <c>ignore_invalid_id</c> Amplitude skips ids it does not know rather than refusing the request, so there is
/// no per-learner "gone": a learner Amplitude never saw rides along in the job, which removes nothing of theirs, and
/// counts as deleted when the job is done.
/// </remarks>
internal sealed class AmplitudeDeleter(IAmplitudeApi api, AmplitudeOptions options)
    : IRequestHandler<EraseLearners, DeletionResults>, IRequestHandler<CheckErasureJobs, DeletionResults>
{
    public async Task<DeletionResults> Handle(EraseLearners request, CancellationToken cancellationToken)
    {
        var results = new DeletionResults();
        // The same learner may come twice (two deliveries); Amplitude gets each id once, and both get its outcome.
        var byUserId = new Dictionary<string, List<ErasureItem>>(StringComparer.Ordinal);
        foreach (var item in request.Items)
        {
            if (item.Learner.LmsUserId <= 0)
            {
                // Sending "0" would be skipped as unknown and the learner would read as erased: a silent miss.
                results.Set(item, DeletionOutcome.Permanent("the learner has no LMS user id (Amplitude's user_id)"));
                continue;
            }
            var userId = item.Learner.LmsUserId.ToString(CultureInfo.InvariantCulture);
            if (!byUserId.TryGetValue(userId, out var items))
                byUserId[userId] = items = [];
            items.Add(item);
        }

        // One request in practice (BatchSize is at most 100); the split only guards against a caller sending more.
        DeletionOutcome? stop = null;
        foreach (var userIds in byUserId.Keys.Chunk(AmplitudeOptions.MaxUserIdsPerRequest))
        {
            // After a transient answer (usually 429) the next request would most likely get the same.
            var outcome = stop ?? await RequestDeletionAsync(userIds, cancellationToken).ConfigureAwait(false);
            if (outcome.Kind == DeletionOutcomeKind.Transient)
                stop = outcome;
            foreach (var userId in userIds)
                foreach (var item in byUserId[userId])
                    results.Set(item, outcome);
        }
        return results;
    }

    private async Task<DeletionOutcome> RequestDeletionAsync(IReadOnlyList<string> userIds, CancellationToken cancellationToken)
    {
        const string context = "requesting deletion";
        var body = new AmplitudeDeletionRequest { UserIds = userIds, Requester = options.Requester };
        using var response = await api.RequestDeletionAsync(body, cancellationToken).ConfigureAwait(false);
        if (AmplitudeAnswer.Failure(response, context) is { } failure)
            return failure;
        if (response.Error is not null || !AmplitudeJobs.TryRead(response.Content, out var jobs))
            return DeletionOutcome.Transient($"{context}: unreadable answer (HTTP {(int)response.StatusCode!})");
        if (jobs.Count == 0)
            return DeletionOutcome.Permanent($"{context}: Amplitude named no deletion job");
        if (jobs.FirstOrDefault(job => !AmplitudeJobs.IsKnown(job.Status)) is { } odd)
            return DeletionOutcome.Permanent(
                $"{context}: amplitude job {AmplitudeJobs.Format(odd.Day)} reports status {AmplitudeJobs.Describe(odd.Status)}");

        return DeletionOutcome.Pending(
            AmplitudeJobs.Reference(jobs.Select(job => job.Day)), options.JobCheckInterval,
            string.Join(",", jobs.Select(job => job.Status).Distinct()));
    }

    public async Task<DeletionResults> Handle(CheckErasureJobs request, CancellationToken cancellationToken)
    {
        var results = new DeletionResults();
        var asked = new List<(ErasureItem Item, IReadOnlyList<DateOnly> Days)>();
        foreach (var item in request.Items)
        {
            if (AmplitudeJobs.TryParseReference(item.ProviderReference, out var days))
                asked.Add((item, days));
            else
                results.Set(item, DeletionOutcome.Permanent("no Amplitude job to check (the reference names no job day)"));
        }

        var checks = await CheckDaysAsync(asked.SelectMany(a => a.Days).Distinct().Order().ToList(), cancellationToken)
            .ConfigureAwait(false);
        foreach (var (item, days) in asked)
            results.Set(item, Combine(item.ProviderReference!, days.Select(day => checks[day]).ToList()));
        return results;
    }

    /// <summary>How one job day stands: failed (<see cref="Failure"/>), still running (<see cref="Running"/>, its status), or done (neither).</summary>
    private sealed record JobCheck(DeletionOutcome? Failure = null, string? Running = null);

    /// <summary>
    /// Amplitude lists every job in a range of up to six months, so the days of one call are asked about together,
    /// one request per window of <see cref="WindowDays"/> days (one request in practice: the jobs a call checks
    /// are at most weeks apart). That matters at one request a second inside the call's timeout.
    /// </summary>
    private async Task<Dictionary<DateOnly, JobCheck>> CheckDaysAsync(IReadOnlyList<DateOnly> days, CancellationToken cancellationToken)
    {
        var checks = new Dictionary<DateOnly, JobCheck>();
        JobCheck? stop = null;
        for (var first = 0; first < days.Count;)
        {
            var window = days.Skip(first).TakeWhile(day => day.DayNumber - days[first].DayNumber <= WindowDays).ToList();
            first += window.Count;
            // After a transient answer (usually 429) the next request would most likely get the same.
            var (failure, listed) = stop is null ? await ListJobsAsync(window[0], window[^1], cancellationToken).ConfigureAwait(false) : (stop, null);
            if (failure?.Failure?.Kind == DeletionOutcomeKind.Transient)
                stop = failure;
            foreach (var day in window)
                checks[day] = failure ?? Judge(day, listed!);
        }
        return checks;
    }

    /// <summary>Amplitude allows six months per listing; this leaves room for the day added at each end.</summary>
    private const int WindowDays = 150;

    private async Task<(JobCheck? Failure, List<AmplitudeJob>? Listed)> ListJobsAsync(DateOnly first, DateOnly last, CancellationToken cancellationToken)
    {
        const string context = "listing deletion jobs";
        // A day either side, so the answer holds the jobs whether Amplitude's range is inclusive or not; only a job
        // whose own day matches counts.
        using var response = await api.ListJobsAsync(
            AmplitudeJobs.Format(first.AddDays(-1)), AmplitudeJobs.Format(last.AddDays(1)), cancellationToken).ConfigureAwait(false);
        if (AmplitudeAnswer.Failure(response, context) is { } failure)
            return (new JobCheck(failure), null);
        // Amplitude documents a list; a lone object here is not an answer the deleter knows.
        if (response.Error is not null || response.Content.ValueKind != JsonValueKind.Array
            || !AmplitudeJobs.TryRead(response.Content, out var listed))
            return (new JobCheck(DeletionOutcome.Transient($"{context}: unreadable answer (HTTP {(int)response.StatusCode!})")), null);
        return (null, listed);
    }

    private static JobCheck Judge(DateOnly day, List<AmplitudeJob> listed)
    {
        var name = $"amplitude job {AmplitudeJobs.Format(day)}";
        var jobs = listed.Where(job => job.Day == day).ToList();
        if (jobs.Count == 0)
            // Gone from the list: revoked (anyone with the keys can take users out of a staging job) or lost. Either
            // way the erasure can no longer be vouched for, and someone has to look.
            return new JobCheck(DeletionOutcome.Permanent($"{name} is no longer listed by Amplitude (revoked or removed)"));
        if (jobs.FirstOrDefault(job => !AmplitudeJobs.IsKnown(job.Status)) is { } odd)
            return new JobCheck(DeletionOutcome.Permanent($"{name} reports status {AmplitudeJobs.Describe(odd.Status)}"));
        return jobs.FirstOrDefault(job => job.Status != AmplitudeJobs.Done) is { } running
            ? new JobCheck(Running: running.Status)
            : new JobCheck();
    }

    /// <summary>A learner is deleted when every job day their reference names is done; a failure decides first.</summary>
    private DeletionOutcome Combine(string reference, IReadOnlyList<JobCheck> perDay)
    {
        if (perDay.Select(c => c.Failure).FirstOrDefault(o => o?.Kind == DeletionOutcomeKind.Permanent) is { } permanent)
            return DeletionOutcome.Permanent(permanent.Reason!, reference);
        if (perDay.Select(c => c.Failure).FirstOrDefault(o => o is not null) is { } transient)
            return DeletionOutcome.Transient(transient.Reason!, transient.RetryAfter, reference);
        if (perDay.FirstOrDefault(c => c.Running is not null) is { } running)
            return DeletionOutcome.Pending(reference, options.JobCheckInterval, running.Running);
        return DeletionOutcome.Deleted(reference);
    }
}
