using System.Net;
using MediatR;

namespace RetirementBridge.Deleters.HubSpot;

/// <summary>
/// Erases a learner from HubSpot: looks the contact up by email
/// (<c>GET /crm/v3/objects/contacts/{email}?idProperty=email</c>) and, only when HubSpot has it, deletes it with
/// <c>POST /crm/v3/objects/contacts/gdpr-delete</c>, which removes the contact and everything associated with it.
/// The lookup comes first because HubSpot adds an email that matches no contact to a blocklist, so that the address
/// can never be used in the account again: a deleter must not do that to someone HubSpot never knew.
/// </summary>
internal sealed class HubSpotDeleter(IHubSpotApi api, TimeProvider clock) : IRequestHandler<EraseLearners, DeletionResults>
{
    public async Task<DeletionResults> Handle(EraseLearners request, CancellationToken cancellationToken)
    {
        // HubSpot has no batch GDPR deletion: its batch size is 1, and the loop is only the contract's shape.
        var results = new DeletionResults();
        foreach (var item in request.Items)
            results.Set(item, await EraseAsync(item.Learner, cancellationToken).ConfigureAwait(false));
        return results;
    }

    private async Task<DeletionOutcome> EraseAsync(RetiredLearner learner, CancellationToken cancellationToken)
    {
        // An empty address would be looked up as the collection path itself; never ask HubSpot about it.
        if (HubSpotEmail.Normalize(learner.Email) is not { } email)
            return DeletionOutcome.Permanent("the learner has no email address");

        using (var lookup = await api.GetContactByEmailAsync(email, cancellationToken).ConfigureAwait(false))
        {
            if (lookup.StatusCode == HttpStatusCode.NotFound && !lookup.HasRequestError(out _))
                return HubSpotAnswer.IsObjectNotFound(lookup)
                    ? DeletionOutcome.Gone("no contact with this email")
                    : HubSpotAnswer.NotHubSpotsNotFound("lookup");
            // Found means HubSpot's 200 with the contact's id: anything else (a maintenance page, an empty body) is no
            // proof the contact exists, and deleting an address HubSpot does not have blocklists it.
            var found = lookup.StatusCode == HttpStatusCode.OK && lookup.Error is null && !string.IsNullOrEmpty(lookup.Content?.Id);
            if (!found)
                return HubSpotAnswer.Failure(lookup, "lookup", clock);
        }

        using var deletion = await api.GdprDeleteAsync(new HubSpotGdprDelete(email), cancellationToken).ConfigureAwait(false);
        if (deletion.StatusCode == HttpStatusCode.NoContent && !deletion.HasRequestError(out _))
            return DeletionOutcome.Deleted();
        if (deletion.StatusCode == HttpStatusCode.NotFound && !deletion.HasRequestError(out _))
            // Found a moment ago, gone now (deleted meanwhile, by someone or by an earlier attempt).
            return HubSpotAnswer.IsObjectNotFound(deletion)
                ? DeletionOutcome.Gone("contact gone before gdpr-delete")
                : HubSpotAnswer.NotHubSpotsNotFound("gdpr-delete");
        return HubSpotAnswer.Failure(deletion, "gdpr-delete", clock);
    }
}
