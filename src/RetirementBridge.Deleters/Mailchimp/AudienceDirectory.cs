using System.Net;

namespace RetirementBridge.Deleters.Mailchimp;

/// <summary>Which audiences one attempt erases from: the configured ones, or else every audience in the account.</summary>
internal sealed class AudienceDirectory(IMailchimpApi api, MailchimpOptions options)
{
    /// <summary>Mailchimp's largest page size for <c>GET /3.0/lists</c>.</summary>
    internal const int PageSize = 1000;

    private static readonly LearnerSecrets NoLearner = new();

    /// <summary>True when the ids come from configuration (and so may be mistyped), false when listed from the account.</summary>
    public bool AreConfigured => options.Audiences.Count > 0;

    /// <summary>The audience ids, or the outcome that ends the attempt when they could not all be listed.</summary>
    public async Task<(IReadOnlyList<string> Ids, DeletionOutcome? Failure)> GetAsync(CancellationToken cancellationToken)
    {
        if (AreConfigured)
            return (options.Audiences.Distinct(StringComparer.Ordinal).ToList(), null);

        var ids = new List<string>();
        int? total = null;
        for (var offset = 0; ; offset += PageSize)
        {
            using var response = await api.ListAudiencesAsync(PageSize, offset, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                // Never read as "not there": the account always has this endpoint, so a 404 means a wrong BaseUrl or
                // proxy, and treating it as Gone would silently skip the erasure.
                return ([], DeletionOutcome.Permanent("listing audiences: HTTP 404 (check BaseUrl)"));
            }
            if (response.HasRequestError(out _) || !response.IsSuccessStatusCode)
                return ([], MailchimpAnswer.Classify(response, "listing audiences", NoLearner));
            // Mailchimp always sends total_items (the request asks for it): a 200 without it, such as "{}" from a proxy,
            // would otherwise read as an account without audiences, and every learner as Gone.
            if (response.Content is not { TotalItems: not null } page)
                return ([], DeletionOutcome.Transient("listing audiences: unreadable answer"));

            total ??= page.TotalItems;
            ids.AddRange(page.Lists.Select(list => list.Id).OfType<string>());
            if (page.Lists.Count < PageSize || (total is { } all && offset + PageSize >= all))
                break;
        }

        var distinct = ids.Distinct(StringComparer.Ordinal).ToList();
        // Offset paging over a list that changes between pages can skip an audience; a skipped audience is a silent
        // miss, so a short count makes the attempt transient and the next attempt lists again.
        if (total is { } expected && distinct.Count < expected)
            return ([], DeletionOutcome.Transient($"listing audiences: saw {distinct.Count} of {expected} (the list changed while paging)"));
        return (distinct, null);
    }
}
