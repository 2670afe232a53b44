using System.Net;
using Microsoft.AspNetCore.WebUtilities;

namespace RetirementBridge.Deleters.Mailgun;

/// <summary>One mailing list to erase from, named for operators without its address.</summary>
/// <param name="Address">The list's address: goes into URL paths, never into an outcome.</param>
/// <param name="Label">What outcomes call it: <c>Lists[0]</c> (configured) or <c>mailing list 3</c> (listed).</param>
/// <param name="KnownToExist">True when the account's listing just showed it; a configured list is checked after a 404.</param>
internal sealed record MailingList(string Address, string Label, bool KnownToExist);

/// <summary>Which mailing lists one call erases from: the configured ones, or else every list of the account in the region.</summary>
internal sealed class MailingListDirectory(IMailgunApi api, MailgunOptions options, TimeProvider clock)
{
    /// <summary>A bound on the pages one listing follows (a million lists at 100 a page): past it the listing is not ending.</summary>
    internal const int MaxPages = 10_000;

    private const string Context = "listing mailing lists";

    /// <summary>The lists, or the outcome that ends the call when they could not all be listed.</summary>
    public async Task<(IReadOnlyList<MailingList> Lists, DeletionOutcome? Failure)> GetAsync(CancellationToken cancellationToken)
    {
        if (options.Lists.Count > 0)
        {
            var configured = options.Lists
                .Select((address, index) => new MailingList(address.Trim(), $"Lists[{index}]", KnownToExist: false))
                .DistinctBy(list => list.Address, StringComparer.OrdinalIgnoreCase)
                .ToList();
            return (configured, null);
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var lists = new List<MailingList>();
        (string? Page, string? Address) cursor = (null, null);
        for (var pages = 0; ; pages++)
        {
            if (pages == MaxPages)
                return ([], DeletionOutcome.Transient($"{Context}: more than {MaxPages} pages (configure Lists)"));

            using var response = await api.ListMailingListsAsync(MailgunOptions.ListPageSize, cursor.Page, cursor.Address, cancellationToken)
                .ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.NotFound && !response.HasRequestError(out _))
                // The account always has this endpoint: a 404 means a wrong BaseUrl or proxy, and reading it as "no
                // lists" would count every learner as Gone.
                return ([], DeletionOutcome.Permanent($"{Context}: HTTP 404 (check BaseUrl and Region)"));
            if (response.StatusCode != HttpStatusCode.OK || response.Error is not null)
                return ([], MailgunAnswer.Failure(response, Context, clock));
            // Mailgun always sends items: a 200 without it, such as "{}" from a proxy, would otherwise read as an
            // account without lists, and every learner as Gone.
            if (response.Content?.Items is not { } items)
                return ([], DeletionOutcome.Transient($"{Context}: unreadable answer (no items)"));
            if (items.Count == 0)
                break; // Mailgun's last page is an empty one

            var added = 0;
            foreach (var address in items.Select(item => item.Address?.Trim()))
            {
                if (string.IsNullOrEmpty(address))
                    return ([], DeletionOutcome.Transient($"{Context}: unreadable answer (a list without an address)"));
                if (seen.Add(address))
                {
                    added++;
                    lists.Add(new MailingList(address, $"mailing list {lists.Count + 1}", KnownToExist: true));
                }
            }
            // Lists only ever seen before: the cursor is not moving, and following it would never end.
            if (added == 0)
                return ([], DeletionOutcome.Transient($"{Context}: the listing repeated itself"));

            if (response.Content.Paging?.Next is not { Length: > 0 } next)
                break; // no next page named: nothing more to follow
            if (NextCursor(next) is not { } following)
                return ([], DeletionOutcome.Transient($"{Context}: paging.next not understood"));
            cursor = following;
        }
        return (lists, null);
    }

    /// <summary>
    /// The <c>page</c> and <c>address</c> of Mailgun's <c>paging.next</c> URL; null when it has no <c>page</c>.
    /// Only its query is used, against the configured address: the API key is never sent to a host an answer names.
    /// </summary>
    internal static (string? Page, string? Address)? NextCursor(string next)
    {
        if (!Uri.TryCreate(next, UriKind.RelativeOrAbsolute, out var uri))
            return null;
        var query = uri.IsAbsoluteUri ? uri.Query : (next.IndexOf('?') is var at and >= 0 ? next[at..] : "");
        var values = QueryHelpers.ParseQuery(query);
        if (!values.TryGetValue("page", out var page) || string.IsNullOrEmpty(page.ToString()))
            return null;
        var address = values.TryGetValue("address", out var pivot) && !string.IsNullOrEmpty(pivot.ToString()) ? pivot.ToString() : null;
        return (page.ToString(), address);
    }
}
