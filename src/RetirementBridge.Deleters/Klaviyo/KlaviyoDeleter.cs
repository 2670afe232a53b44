using MediatR;

namespace RetirementBridge.Deleters.Klaviyo;

/// <summary>
/// Erases a learner from Klaviyo with the Data Privacy API: <c>POST /api/data-privacy-deletion-jobs</c> by email,
/// which deletes every profile with that address. Klaviyo answers 202 and performs the deletion asynchronously, with
/// no job id and no documented way to follow it, so an accepted request is reported <c>Deleted</c>: the bridge has
/// done all that Klaviyo lets it do. Klaviyo answers 202 whether or not it has such a profile, so nobody is ever
/// reported "gone".
/// </summary>
internal sealed class KlaviyoDeleter(IKlaviyoApi api, KlaviyoOptions options, TimeProvider clock) : IRequestHandler<EraseLearners, DeletionResults>
{
    public async Task<DeletionResults> Handle(EraseLearners request, CancellationToken cancellationToken)
    {
        // Klaviyo has no batch deletion: its batch size is 1, and the loop is only the contract's shape.
        var results = new DeletionResults();
        foreach (var item in request.Items)
            results.Set(item, await EraseAsync(item.Learner, cancellationToken).ConfigureAwait(false));
        return results;
    }

    private async Task<DeletionOutcome> EraseAsync(RetiredLearner learner, CancellationToken cancellationToken)
    {
        var addresses = Addresses(learner.Email);
        // An empty address would ask Klaviyo to delete nobody, and its 202 would read as an erasure.
        if (addresses.Count == 0)
            return DeletionOutcome.Permanent("the learner has no email address");

        // Texts no outcome may carry: who the learner is.
        var secrets = new[] { learner.Email, learner.Username, learner.RetiredEmail, learner.RetiredUsername }
            .OfType<string>()
            .Concat(addresses)
            .ToList();

        foreach (var address in addresses)
        {
            using var response = await api.RequestProfileDeletionAsync(
                options.Revision, KlaviyoDeletionJobRequest.ForEmail(address), cancellationToken).ConfigureAwait(false);
            // A cancelled call (the attempt's timeout, or the host stopping) is the pipeline's to classify, not an answer.
            cancellationToken.ThrowIfCancellationRequested();
            // Any failure ends the attempt; a retry sends every request again (a repeated deletion request is harmless).
            if (KlaviyoAnswer.Failure(response, secrets, clock) is { } failure)
                return failure;
        }

        return DeletionOutcome.Deleted(addresses.Count == 1
            ? "deletion requested (HTTP 202; Klaviyo deletes asynchronously)"
            : $"deletion requested for {addresses.Count} spellings of the address (HTTP 202; Klaviyo deletes asynchronously)");
    }

    /// <summary>
    /// The address as the LMS has it (trimmed), then lower-cased when that differs. Klaviyo does not document whether
    /// it matches emails case-sensitively, and a request that matches nobody is answered 202 like one that matches: a
    /// silent miss. Asking for both spellings erases the profile however Klaviyo stored and matches it.
    /// </summary>
    internal static IReadOnlyList<string> Addresses(string? email)
    {
        if (string.IsNullOrWhiteSpace(email))
            return [];
        var typed = email.Trim();
        var lower = typed.ToLowerInvariant();
        return lower == typed ? [typed] : [typed, lower];
    }
}
