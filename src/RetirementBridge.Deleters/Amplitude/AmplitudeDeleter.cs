using System.Globalization;
using System.Text.Json;
using MediatR;

namespace RetirementBridge.Deleters.Amplitude;

/// <summary>
/// Erases learners from Amplitude with the User Privacy API: one <c>POST /api/2/deletions/users</c> per batch of up to
/// 100 LMS user ids. Amplitude does not delete at once: it adds the users to the project's deletion job for a day 10
/// to 13 days ahead, so each learner's outcome is <see cref="DeletionOutcome.Pending"/> with that job's day as the
/// reference ("amplitude job 2026-12-05"). A check lists the jobs around that day
/// (<c>GET /api/2/deletions/users?start_day=&amp;end_day=</c>): done is deleted; staging or submitted is still
/// pending; a job no longer listed, or in a status Amplitude does not document, is a permanent failure.
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
        // Learners of one batch share a job: each job day is asked about once per call.
        var byDay = new Dictionary<DateOnly, JobCheck>();
        JobCheck? stop = null;
        foreach (var item in request.Items)
        {
            if (!AmplitudeJobs.TryParseReference(item.ProviderReference, out var days))
            {
                results.Set(item, DeletionOutcome.Permanent("no Amplitude job to check (the reference names no job day)"));
                continue;
            }

            var perDay = new List<JobCheck>(days.Count);
            foreach (var day in days)
            {
                if (!byDay.TryGetValue(day, out var check))
                {
                    // After a transient answer (usually 429) the next request would most likely get the same.
                    check = stop ?? await CheckDayAsync(day, cancellationToken).ConfigureAwait(false);
                    if (check.Failure?.Kind == DeletionOutcomeKind.Transient)
                        stop = check;
                    byDay[day] = check;
                }
                perDay.Add(check);
            }
            results.Set(item, Combine(item.ProviderReference!, perDay));
        }
        return results;
    }

    /// <summary>How one job day stands: failed (<see cref="Failure"/>), still running (<see cref="Running"/>, its status), or done (neither).</summary>
    private sealed record JobCheck(DeletionOutcome? Failure = null, string? Running = null);

    private async Task<JobCheck> CheckDayAsync(DateOnly day, CancellationToken cancellationToken)
    {
        const string context = "listing deletion jobs";
        var name = $"amplitude job {AmplitudeJobs.Format(day)}";
        // A day either side, so the answer holds the job whether Amplitude's range is inclusive or not; only a job
        // whose own day matches counts.
        using var response = await api.ListJobsAsync(
            AmplitudeJobs.Format(day.AddDays(-1)), AmplitudeJobs.Format(day.AddDays(1)), cancellationToken).ConfigureAwait(false);
        if (AmplitudeAnswer.Failure(response, context) is { } failure)
            return new JobCheck(failure);
        // Amplitude documents a list; a lone object here is not an answer the deleter knows.
        if (response.Error is not null || response.Content.ValueKind != JsonValueKind.Array
            || !AmplitudeJobs.TryRead(response.Content, out var listed))
            return new JobCheck(DeletionOutcome.Transient($"{context}: unreadable answer (HTTP {(int)response.StatusCode!})"));

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
