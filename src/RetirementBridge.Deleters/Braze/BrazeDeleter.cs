using System.Globalization;
using MediatR;

namespace RetirementBridge.Deleters.Braze;

/// <summary>
/// Erases learners from Braze: one <c>POST /users/delete</c> with the learners' LMS user ids as <c>external_ids</c>
/// (the id Open edX gives Braze), up to 50 in one request. Braze queues the deletion and answers with how many
/// profiles it queued, without saying which: every learner of a request gets that request's outcome, and none is
/// ever reported "gone".
/// </summary>
internal sealed class BrazeDeleter(IBrazeApi api, TimeProvider clock) : IRequestHandler<EraseLearners, DeletionResults>
{
    public async Task<DeletionResults> Handle(EraseLearners request, CancellationToken cancellationToken)
    {
        var results = new DeletionResults();
        // One external id per LMS user id, in the order asked; two deliveries of the same learner share the request.
        var learnersById = new Dictionary<string, List<ErasureItem>>(StringComparer.Ordinal);
        var ids = new List<string>();
        foreach (var item in request.Items)
        {
            if (item.Learner.LmsUserId <= 0)
            {
                // Sending it would delete nobody, or someone else: it is never taken as erased.
                results.Set(item, DeletionOutcome.Permanent("the learner has no LMS user id (Braze's external id)"));
                continue;
            }
            var id = item.Learner.LmsUserId.ToString(CultureInfo.InvariantCulture);
            if (!learnersById.TryGetValue(id, out var learners))
            {
                learnersById[id] = learners = [];
                ids.Add(id);
            }
            learners.Add(item);
        }

        // The bridge sends at most BatchSize (≤ 50) learners: one request. Only a caller that sends more gets several.
        DeletionOutcome? transient = null;
        foreach (var chunk in ids.Chunk(BrazeOptions.MaxIdsPerRequest))
        {
            var items = chunk.SelectMany(id => learnersById[id]).ToList();
            // After a transient answer the rest would likely get the same; the whole call is retried anyway.
            var outcome = transient ?? await DeleteAsync(chunk, items, cancellationToken).ConfigureAwait(false);
            if (outcome.Kind == DeletionOutcomeKind.Transient)
                transient = outcome;
            foreach (var item in items)
                results.Set(item, outcome);
        }
        return results;
    }

    private async Task<DeletionOutcome> DeleteAsync(string[] externalIds, List<ErasureItem> items, CancellationToken cancellationToken)
    {
        using var response = await api.DeleteUsersAsync(new BrazeDeleteRequest { ExternalIds = externalIds }, cancellationToken)
            .ConfigureAwait(false);
        // A cancelled call (the attempt's timeout, or the host stopping) is the pipeline's to classify, not an answer.
        cancellationToken.ThrowIfCancellationRequested();

        // Texts no outcome may carry: who the learners are, and the ids sent.
        var secrets = items.SelectMany(item => new[]
            {
                item.Learner.Email, item.Learner.Username, item.Learner.RetiredEmail, item.Learner.RetiredUsername,
            })
            .OfType<string>()
            .Concat(externalIds)
            .ToList();
        return BrazeAnswer.Classify(response, externalIds.Length, secrets, clock.GetUtcNow());
    }
}
