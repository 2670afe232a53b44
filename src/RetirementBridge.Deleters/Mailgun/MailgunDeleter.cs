using System.Net;
using MediatR;
using Refit;

namespace RetirementBridge.Deleters.Mailgun;

/// <summary>
/// Erases a learner's address from Mailgun, in the configured region: from every mailing list
/// (<c>DELETE /v3/lists/{list}/members/{email}</c>; see <see cref="MailgunOptions.Lists"/>) and, for each configured
/// sending domain, from its unsubscribes, bounces and complaints (<c>DELETE /v3/{domain}/{table}/{email}</c>), one
/// request after another.
/// <para>
/// "Gone" is decided with care, because Mailgun answers 404 both for "this address is not here" and for "this list or
/// domain does not exist", and documents that a 404 "can be temporal" (its system is eventually consistent). A learner
/// is <see cref="DeletionOutcomeKind.Gone"/> only when every list and every suppression table answered Mailgun's own
/// 404 (JSON with a <c>message</c>; a 404 without it is a wrong address, permanent) for every form of the address, and
/// every list and domain that answered so is known to exist: a listed list because the account's listing just showed
/// it, a configured list or a domain because it was asked for (<c>GET /v3/lists/{list}</c>,
/// <c>GET /v3/{domain}/unsubscribes?limit=1</c>) after the 404. A configured list or domain that does not exist is a
/// visible <see cref="DeletionOutcomeKind.Permanent"/> failure, never Gone. The learner is
/// <see cref="DeletionOutcomeKind.Deleted"/> when at least one removal happened and nothing failed.
/// </para>
/// </summary>
internal sealed class MailgunDeleter(IMailgunApi api, MailgunOptions options, TimeProvider clock) : IRequestHandler<EraseLearners, DeletionResults>
{
    /// <summary>A domain's three suppression tables, as Mailgun names them in its paths.</summary>
    internal static readonly string[] SuppressionTables = ["unsubscribes", "bounces", "complaints"];

    public async Task<DeletionResults> Handle(EraseLearners request, CancellationToken cancellationToken)
    {
        // Mailgun has no batch removal: its batch size is 1, and the loop is only the contract's shape.
        var results = new DeletionResults();
        foreach (var item in request.Items)
            results.Set(item, await EraseAsync(item.Learner, cancellationToken).ConfigureAwait(false));
        return results;
    }

    private async Task<DeletionOutcome> EraseAsync(RetiredLearner learner, CancellationToken cancellationToken)
    {
        // An empty address would name the collection itself; never ask Mailgun about it.
        var addresses = MailgunAddress.Variants(learner.Email);
        if (addresses.Count == 0)
            return DeletionOutcome.Permanent("the learner has no email address");

        var (lists, failure) = await new MailingListDirectory(api, options, clock).GetAsync(cancellationToken).ConfigureAwait(false);
        if (failure is not null)
            return failure;
        var domains = options.Domains.Select(domain => domain.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).ToList();

        var tally = new ErasureTally(lists.Count, domains.Count * SuppressionTables.Length);
        // A transient answer (often 429) would likely repeat for the remaining lists, and the whole call is retried
        // anyway (every removal is idempotent: one already done answers 404). After a permanent answer it carries
        // on: erasing wherever it can is still worth doing.
        foreach (var list in lists)
        {
            if (!tally.Add(await FromListAsync(list, addresses, cancellationToken).ConfigureAwait(false)))
                return tally.Result();
        }
        foreach (var domain in domains)
        {
            DeletionOutcome? domainExists = null; // asked at most once per domain, after its first 404
            foreach (var table in SuppressionTables)
            {
                var context = $"domain {domain} {table}";
                var outcome = await RemoveAsync(address => DeleteSuppressionAsync(domain, table, address, cancellationToken), addresses, context)
                    .ConfigureAwait(false);
                if (outcome.Kind == DeletionOutcomeKind.Gone)
                {
                    domainExists ??= await DomainExistsAsync(domain, cancellationToken).ConfigureAwait(false);
                    outcome = domainExists.Kind == DeletionOutcomeKind.Gone ? outcome : domainExists;
                }
                if (!tally.Add(outcome))
                    return tally.Result();
            }
        }
        return tally.Result();
    }

    private async Task<DeletionOutcome> FromListAsync(MailingList list, IReadOnlyList<string> addresses, CancellationToken cancellationToken)
    {
        var outcome = await RemoveAsync(address => api.DeleteListMemberAsync(list.Address, address, cancellationToken), addresses, list.Label)
            .ConfigureAwait(false);
        if (outcome.Kind != DeletionOutcomeKind.Gone || list.KnownToExist)
            return outcome;

        // Mailgun answers 404 for "not a member" and for "no such list". A mistyped list address (or one from the other
        // region) would otherwise report every learner as Gone forever: a silent failed erasure.
        using var check = await api.GetMailingListAsync(list.Address, cancellationToken).ConfigureAwait(false);
        if (check.StatusCode == HttpStatusCode.OK && check.Error is null && check.Content?.List is not null)
            return outcome;
        if (MailgunAnswer.IsNotFound(check))
            return DeletionOutcome.Permanent($"{list.Label} does not exist in this region (check Deleters:Mailgun:Lists and Region)");
        return MailgunAnswer.Failure(check, $"{list.Label}: checking the list exists", clock);
    }

    /// <summary>Gone when the domain exists in this region (its unsubscribes can be read); else why not.</summary>
    private async Task<DeletionOutcome> DomainExistsAsync(string domain, CancellationToken cancellationToken)
    {
        using var check = await api.PeekUnsubscribesAsync(domain, cancellationToken).ConfigureAwait(false);
        if (check.StatusCode == HttpStatusCode.OK && check.Error is null && check.Content is { HasItems: true })
            return DeletionOutcome.Gone();
        if (MailgunAnswer.IsNotFound(check))
            return DeletionOutcome.Permanent($"domain {domain} does not exist in this region (check Deleters:Mailgun:Domains and Region)");
        return MailgunAnswer.Failure(check, $"domain {domain}: checking the domain exists", clock);
    }

    private Task<IApiResponse<MailgunMessage>> DeleteSuppressionAsync(string domain, string table, string address, CancellationToken cancellationToken) =>
        table switch
        {
            "unsubscribes" => api.DeleteUnsubscribeAsync(domain, address, cancellationToken),
            "bounces" => api.DeleteBounceAsync(domain, address, cancellationToken),
            "complaints" => api.DeleteComplaintAsync(domain, address, cancellationToken),
            _ => throw new ArgumentOutOfRangeException(nameof(table)),
        };

    /// <summary>
    /// Removes every form of the address from one place: Deleted when Mailgun removed any, Gone when each answered
    /// Mailgun's 404, else the first failure.
    /// </summary>
    private async Task<DeletionOutcome> RemoveAsync(
        Func<string, Task<IApiResponse<MailgunMessage>>> remove, IReadOnlyList<string> addresses, string context)
    {
        var removed = false;
        foreach (var address in addresses)
        {
            using var response = await remove(address).ConfigureAwait(false);
            // Mailgun answers a removal with 200 and a JSON message. Another 2xx, or a 200 without Mailgun's fields (a
            // proxy's or a maintenance page's), is not Mailgun's "removed", and reading it so would be a silent miss.
            if (response.StatusCode == HttpStatusCode.OK && response.Error is null && response.Content is { HasMessage: true })
                removed = true;
            else if (!MailgunAnswer.IsNotFound(response))
                return MailgunAnswer.Failure(response, context, clock);
        }
        return removed ? DeletionOutcome.Deleted() : DeletionOutcome.Gone();
    }
}

/// <summary>
/// Combines the per-place outcomes of one learner into the learner's outcome. Any transient wins (re-running is safe:
/// places already done answer 404); then any permanent; then nothing removed is Gone; else Deleted.
/// </summary>
internal sealed class ErasureTally(int lists, int suppressionTables)
{
    private readonly List<DeletionOutcome> _outcomes = [];

    /// <summary>Records one place's outcome; false when it was transient, and the call stops there.</summary>
    public bool Add(DeletionOutcome outcome)
    {
        _outcomes.Add(outcome);
        return outcome.Kind != DeletionOutcomeKind.Transient;
    }

    public DeletionOutcome Result()
    {
        var total = lists + suppressionTables;
        var scope = $"{lists} mailing list(s), {suppressionTables} suppression table(s)";
        var deleted = _outcomes.Count(o => o.Kind == DeletionOutcomeKind.Deleted);
        var progress = $"deleted in {deleted} of {total} ({scope})";

        var transient = _outcomes.Where(o => o.Kind == DeletionOutcomeKind.Transient).ToList();
        if (transient.Count > 0)
            return DeletionOutcome.Transient(transient[0].Reason!, transient.Max(o => o.RetryAfter), progress);

        var permanent = _outcomes.FirstOrDefault(o => o.Kind == DeletionOutcomeKind.Permanent);
        if (permanent is not null)
            return DeletionOutcome.Permanent(permanent.Reason!, progress);

        return deleted == 0
            ? DeletionOutcome.Gone($"not in any of {total} ({scope})")
            : DeletionOutcome.Deleted(progress);
    }
}
