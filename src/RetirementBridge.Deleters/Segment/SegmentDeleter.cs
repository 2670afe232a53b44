using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using MediatR;

namespace RetirementBridge.Deleters.Segment;

/// <summary>
/// Erases learners from Segment with one <c>SUPPRESS_WITH_DELETE</c> workspace regulation per call
/// (<c>POST /regulations</c>), whose subject ids are each learner's LMS user id and original username (the ids Open
/// edX sends). Segment accepts any id, so there is no "gone": every learner of an accepted call is pending on the
/// regulation, and <see cref="CheckErasureJobs"/> follows it (<c>GET /regulations/{regulateId}</c>, once per distinct
/// regulation) until Segment reports it FINISHED, or a failure an operator must look at.
/// </summary>
internal sealed partial class SegmentDeleter(ISegmentApi api, SegmentOptions options, TimeProvider clock)
    : IRequestHandler<EraseLearners, DeletionResults>, IRequestHandler<CheckErasureJobs, DeletionResults>
{
    /// <summary>When to check again a regulation this call had no room to look up.</summary>
    internal static readonly TimeSpan UncheckedRecheck = TimeSpan.FromMinutes(1);

    private const string CreateContext = "creating the regulation";

    private const string CheckContext = "checking the regulation";

    private const string CreateNotFound = "check BaseUrl and Region";

    private const string CheckNotFound = "unknown to this workspace, or older than Segment's 90 days; check Token and Region";

    public async Task<DeletionResults> Handle(EraseLearners request, CancellationToken cancellationToken)
    {
        var results = new DeletionResults();
        var sendable = new List<ErasureItem>(request.Items.Count);
        foreach (var item in request.Items)
        {
            // Segment would take "0" as a subject id like any other and report it erased: a silent miss.
            if (item.Learner.LmsUserId <= 0)
                results.Set(item, DeletionOutcome.Permanent("the learner has no LMS user id"));
            else
                sendable.Add(item);
        }

        // The dispatcher never sends more than BatchSize (at most MaxBatchSize); should a call hold more, it goes in
        // several regulations rather than as one request Segment would refuse (after a transient answer, the rest
        // share it rather than ask again).
        DeletionOutcome? transient = null;
        foreach (var chunk in sendable.Chunk(options.MaxBatchSize))
        {
            var outcome = transient ?? await RegulateAsync(chunk, cancellationToken).ConfigureAwait(false);
            if (outcome.Kind == DeletionOutcomeKind.Transient)
                transient = outcome;
            foreach (var item in chunk)
                results.Set(item, outcome);
        }
        return results;
    }

    public async Task<DeletionResults> Handle(CheckErasureJobs request, CancellationToken cancellationToken)
    {
        var results = new DeletionResults();
        var looked = 0;
        DeletionOutcome? rateLimited = null;
        foreach (var job in request.Items.GroupBy(item => item.ProviderReference ?? "", StringComparer.Ordinal))
        {
            var reference = job.Key;
            DeletionOutcome outcome;
            if (string.IsNullOrWhiteSpace(reference))
                outcome = DeletionOutcome.Permanent("no Segment regulation id to check");
            else if (rateLimited is not null)
                // Segment just said "too many requests": asking about the next regulation would earn the same.
                outcome = DeletionOutcome.Transient(rateLimited.Reason!, rateLimited.RetryAfter, reference);
            else if (looked >= options.MaxRegulationChecksPerCall)
                outcome = DeletionOutcome.Pending(reference, Shorter(UncheckedRecheck, options.JobCheckInterval), "not checked in this call");
            else
            {
                looked++;
                (outcome, var slowDown) = await CheckAsync(reference, new LearnerIdentities(job), cancellationToken).ConfigureAwait(false);
                if (slowDown)
                    rateLimited = outcome;
            }
            foreach (var item in job)
                results.Set(item, outcome);
        }
        return results;
    }

    /// <summary>One regulation for <paramref name="items"/>: each is pending on it, or the call's failure.</summary>
    private async Task<DeletionOutcome> RegulateAsync(IReadOnlyCollection<ErasureItem> items, CancellationToken cancellationToken)
    {
        var body = new SegmentCreateRegulationRequest
        {
            SubjectIds = items.SelectMany(item => SubjectIds(item.Learner)).Distinct(StringComparer.Ordinal).ToList(),
        };
        using var response = await api.CreateWorkspaceRegulationAsync(body, cancellationToken).ConfigureAwait(false);
        var failure = SegmentAnswer.Failure(response, CreateContext, CreateNotFound, new LearnerIdentities(items), clock, cancellationToken);
        if (failure is not null)
            return failure;

        var regulateId = response.Content?.Data?.RegulateId;
        // Segment may have created a regulation whose id could not be read; trying again creates another one for the
        // same subjects, which is harmless, while counting this as accepted would lose track of the erasure.
        if (regulateId is null || !RegulateIdFormat().IsMatch(regulateId))
            return DeletionOutcome.Transient($"{CreateContext}: the answer holds no readable regulateId");
        return DeletionOutcome.Pending(regulateId, options.JobCheckInterval);
    }

    /// <summary>
    /// What Segment says of regulation <paramref name="regulateId"/> (every outcome keeps the reference), and whether
    /// Segment answered 429.
    /// </summary>
    private async Task<(DeletionOutcome Outcome, bool RateLimited)> CheckAsync(
        string regulateId, LearnerIdentities identities, CancellationToken cancellationToken)
    {
        using var response = await api.GetRegulationAsync(regulateId, cancellationToken).ConfigureAwait(false);
        var failure = SegmentAnswer.Failure(response, CheckContext, CheckNotFound, identities, clock, cancellationToken, regulateId);
        if (failure is not null)
            return (failure, response.StatusCode == HttpStatusCode.TooManyRequests);
        return (Classify(response.Content?.Data?.Regulation, regulateId, identities), false);
    }

    private DeletionOutcome Classify(SegmentRegulation? regulation, string regulateId, LearnerIdentities identities)
    {
        if (regulation is null)
            return DeletionOutcome.Transient($"{CheckContext}: the answer holds no regulation", providerReference: regulateId);
        if (regulation.Id is { } id && !string.Equals(id, regulateId, StringComparison.Ordinal))
            return DeletionOutcome.Transient($"{CheckContext}: the answer is about another regulation", providerReference: regulateId);

        return regulation.OverallStatus switch
        {
            "FINISHED" => DeletionOutcome.Deleted(regulateId),
            "INITIALIZED" or "RUNNING" => DeletionOutcome.Pending(regulateId, options.JobCheckInterval, regulation.OverallStatus),
            // Segment reports FAILED when any destination could not delete, even one that does not support deletion
            // while its own systems did: an operator looks at the regulation's per-destination status in Segment.
            "FAILED" or "PARTIAL_SUCCESS" or "INVALID" or "NOT_SUPPORTED" => DeletionOutcome.Permanent(
                $"Segment regulation {regulation.OverallStatus}: see its destinations in Segment (Privacy > Deletion Requests)", regulateId),
            { } other when StatusWordFormat().IsMatch(other) && !identities.AppearIn(other) =>
                DeletionOutcome.Transient($"{CheckContext}: unknown overallStatus {other}", providerReference: regulateId),
            _ => DeletionOutcome.Transient($"{CheckContext}: no readable overallStatus", providerReference: regulateId),
        };
    }

    /// <summary>The LMS user id, then the original username when there is one: the ids Open edX tracks a learner under.</summary>
    internal static IEnumerable<string> SubjectIds(RetiredLearner learner)
    {
        yield return learner.LmsUserId.ToString(CultureInfo.InvariantCulture);
        if (!string.IsNullOrWhiteSpace(learner.Username))
            yield return learner.Username;
    }

    private static TimeSpan Shorter(TimeSpan a, TimeSpan b) => a < b ? a : b;

    /// <summary>Segment's ids are short KSUID-like strings (e.g. <c>1qJkfE1tpwvQcklImGksLN629wn</c>).</summary>
    [GeneratedRegex("^[A-Za-z0-9_-]{1,100}$")]
    private static partial Regex RegulateIdFormat();

    [GeneratedRegex("^[A-Z][A-Z_]{0,39}$")]
    private static partial Regex StatusWordFormat();
}
