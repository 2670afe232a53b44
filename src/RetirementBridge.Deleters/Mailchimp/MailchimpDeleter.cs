using System.Net;
using MediatR;

namespace RetirementBridge.Deleters.Mailchimp;

/// <summary>
/// Erases a learner from Mailchimp: <c>POST /3.0/lists/{list}/members/{hash}/actions/delete-permanent</c> in every
/// audience (see <see cref="MailchimpOptions.Audiences"/>), one audience after another so that one delivery holds
/// one connection and <see cref="DeleterOptions.MaxConcurrency"/> bounds the account's concurrent connections.
/// </summary>
internal sealed class MailchimpDeleter(IMailchimpApi api, MailchimpOptions options) : IRequestHandler<EraseLearners, DeletionResults>
{
    public async Task<DeletionResults> Handle(EraseLearners request, CancellationToken cancellationToken)
    {
        // Mailchimp has no batch delete-permanent: its batch size is 1, and the loop is only the contract's shape.
        var results = new DeletionResults();
        foreach (var item in request.Items)
            results.Set(item, await EraseAsync(item.Learner, cancellationToken).ConfigureAwait(false));
        return results;
    }

    private async Task<DeletionOutcome> EraseAsync(RetiredLearner learner, CancellationToken cancellationToken)
    {
        var email = learner.Email;
        // The hash of "" exists nowhere, so every audience would answer 404 and the learner would count as Gone.
        if (string.IsNullOrWhiteSpace(email))
            return DeletionOutcome.Permanent("the learner has no email address");

        var hash = SubscriberHash.Of(email);
        var secrets = new LearnerSecrets(email, learner.Username, hash);
        var directory = new AudienceDirectory(api, options);

        var (audiences, failure) = await directory.GetAsync(cancellationToken).ConfigureAwait(false);
        if (failure is not null)
            return failure;

        var results = new List<DeletionOutcome>(audiences.Count);
        foreach (var audience in audiences)
        {
            var outcome = await DeleteFromAsync(audience, hash, directory.AreConfigured, secrets, cancellationToken).ConfigureAwait(false);
            results.Add(outcome);
            // A transient answer (often 429) would likely repeat in the remaining audiences, and the whole attempt is
            // retried anyway. After a permanent answer it carries on: erasing wherever it can is still worth doing.
            if (outcome.Kind == DeletionOutcomeKind.Transient)
                break;
        }
        return AudienceTally.Combine(results, audiences.Count);
    }

    private async Task<DeletionOutcome> DeleteFromAsync(
        string audience, string hash, bool audienceIsConfigured, LearnerSecrets secrets, CancellationToken cancellationToken)
    {
        var context = $"audience {audience}";
        using var response = await api.DeletePermanentAsync(audience, hash, cancellationToken).ConfigureAwait(false);
        // Mailchimp answers delete-permanent with 204. Any other 2xx (a proxy's or a maintenance page's 200, a wrong
        // BaseUrl's home page) is not Mailchimp's, and reading it as "deleted" would be a silent failed erasure.
        if (response.StatusCode is { } status && (int)status is >= 200 and < 300 && status != HttpStatusCode.NoContent)
            return DeletionOutcome.Transient($"{context}: unexpected answer (HTTP {(int)status}, not 204)");
        var outcome = MailchimpAnswer.Classify(response, context, secrets);
        if (outcome.Kind != DeletionOutcomeKind.Gone || !audienceIsConfigured)
            return outcome;

        // Mailchimp answers the same 404 for "no such member" and "no such audience". A mistyped audience id would
        // otherwise report every learner as Gone forever: a silent failed erasure.
        using var check = await api.GetAudienceAsync(audience, cancellationToken).ConfigureAwait(false);
        if (check.StatusCode == HttpStatusCode.NotFound && !check.HasRequestError(out _))
            return DeletionOutcome.Permanent($"{context} does not exist (check Deleters:Mailchimp:Audiences)");
        var exists = MailchimpAnswer.Classify(check, context, secrets);
        return exists.Kind == DeletionOutcomeKind.Deleted ? outcome : exists;
    }
}
