using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using MediatR;

namespace RetirementBridge.Deleters.SendGrid;

/// <summary>
/// Erases learners from Twilio SendGrid Marketing Campaigns. One erase call searches the batch's addresses in one
/// request (<c>POST /v3/marketing/contacts/search/emails</c>): an address SendGrid answers "contact not found" for, or
/// a search SendGrid answers 404 (none found, once <c>GET /v3/marketing/contacts/count</c> has shown the contacts API
/// is really at this address), is Gone; the contacts found are deleted by id in one request
/// (<c>DELETE /v3/marketing/contacts?ids=...</c>, never <c>delete_all_contacts</c>), and each of their learners is
/// Pending on the deletion job SendGrid names. A check (<c>GET /v3/marketing/contacts/imports/{job_id}</c>, once per
/// distinct job) makes them Deleted when the job is completed, Permanent when it errored or failed.
/// </summary>
internal sealed partial class SendGridDeleter(ISendGridApi api, SendGridOptions options, TimeProvider clock)
    : IRequestHandler<EraseLearners, DeletionResults>, IRequestHandler<CheckErasureJobs, DeletionResults>
{
    /// <summary>When to check again a job this call had no room to look up.</summary>
    internal static readonly TimeSpan UncheckedRecheck = TimeSpan.FromMinutes(1);

    private const string SearchStep = "searching contacts";

    private const string ConfirmStep = "confirming the contacts API after a search found nobody";

    private const string DeleteStep = "deleting contacts";

    private const string CheckStep = "checking the deletion job";

    private const string WrongAddress = "check BaseUrl and Region";

    private const string UnknownJob = "SendGrid does not know this job: check the API key's account, Region and BaseUrl";

    private static readonly DeletionOutcome NotAContact = DeletionOutcome.Gone("not a SendGrid contact");

    public async Task<DeletionResults> Handle(EraseLearners request, CancellationToken cancellationToken)
    {
        var results = new DeletionResults();
        // The same address may come twice (two deliveries of one learner): it is searched once, and both get its outcome.
        var byEmail = new Dictionary<string, List<ErasureItem>>(StringComparer.Ordinal);
        foreach (var item in request.Items)
        {
            var (email, problem) = SendGridEmail.Normalize(item.Learner.Email);
            if (email is null)
            {
                results.Set(item, problem!);
                continue;
            }
            if (!byEmail.TryGetValue(email, out var items))
                byEmail[email] = items = [];
            items.Add(item);
        }
        if (byEmail.Count == 0)
            return results;

        var outcomes = new Dictionary<string, DeletionOutcome>(StringComparer.Ordinal);
        var found = await SearchAsync(byEmail.Keys.ToList(), outcomes, cancellationToken).ConfigureAwait(false);
        if (found.Count > 0)
            await DeleteAsync(found, outcomes, cancellationToken).ConfigureAwait(false);

        foreach (var (email, items) in byEmail)
        {
            var outcome = outcomes.GetValueOrDefault(email) ?? DeletionOutcome.Transient($"{SearchStep}: the address got no answer");
            foreach (var item in items)
                results.Set(item, outcome);
        }
        return results;
    }

    /// <summary>
    /// Searches <paramref name="emails"/>, 100 a request. Sets the outcome of each address that is not there or cannot
    /// be searched, and returns the contact id of each address found. SendGrid refuses a whole search (400) when one of
    /// its addresses is invalid without saying which: the batch is then halved, and halved again, until the refused
    /// address is alone, within <see cref="SendGridOptions.MaxSearchesPerCall"/> requests.
    /// </summary>
    private async Task<Dictionary<string, string>> SearchAsync(
        IReadOnlyList<string> emails, Dictionary<string, DeletionOutcome> outcomes, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        var groups = new Stack<IReadOnlyList<string>>();
        foreach (var chunk in emails.Chunk(SendGridOptions.MaxEmailsPerSearch).Reverse())
            groups.Push(chunk);

        var searches = 0;
        var apiConfirmed = false;
        DeletionOutcome? stop = null;
        while (groups.TryPop(out var group))
        {
            if (stop is not null)
            {
                // SendGrid just said "slow down", or rejected the key: the next search would get the same.
                SetAll(outcomes, group, stop);
                continue;
            }
            if (searches >= options.MaxSearchesPerCall)
            {
                SetAll(outcomes, group, DeletionOutcome.Transient(
                    $"{SearchStep}: not searched in this call (SendGrid refused another address of the batch; searched again at the next attempt)"));
                continue;
            }

            searches++;
            using var response = await api.SearchByEmailsAsync(new SendGridEmailSearch { Emails = group }, cancellationToken).ConfigureAwait(false);
            if (SendGridAnswer.Is(response, HttpStatusCode.OK) && response.Error is null)
            {
                if (!SendGridSearchResult.TryRead(response.Content, out var result))
                {
                    SetAll(outcomes, group, DeletionOutcome.Transient($"{SearchStep}: unreadable answer (HTTP 200)"));
                    continue;
                }
                foreach (var email in group)
                {
                    var outcome = Classify(result.Find(email), out var contactId);
                    if (contactId is not null)
                        found[email] = contactId;
                    else
                        outcomes[email] = outcome!;
                }
            }
            else if (SendGridAnswer.Is(response, HttpStatusCode.NotFound) && SendGridAnswer.IsSendGridErrorBody(response))
            {
                // SendGrid's documented answer when none of the searched addresses is a contact; but SendGrid answers a
                // path it does not have (a BaseUrl with a wrong prefix) with a 404 of the same shape, which must never
                // make a whole batch Gone. Once per call, the contacts API is asked something it always answers.
                var notReached = apiConfirmed ? null : await ConfirmContactsApiAsync(cancellationToken).ConfigureAwait(false);
                if (notReached is null)
                {
                    apiConfirmed = true;
                    SetAll(outcomes, group, NotAContact);
                }
                else
                {
                    stop = notReached;
                    SetAll(outcomes, group, stop);
                }
            }
            else if (SendGridAnswer.Is(response, HttpStatusCode.BadRequest) && SendGridAnswer.IsSendGridErrorBody(response))
            {
                if (group.Count > 1)
                {
                    var half = group.Count / 2;
                    groups.Push(group.Skip(half).ToList());
                    groups.Push(group.Take(half).ToList());
                }
                else
                {
                    SetAll(outcomes, group, DeletionOutcome.Permanent($"{SearchStep}: SendGrid refused the address as invalid (HTTP 400)"));
                }
            }
            else
            {
                stop = SendGridAnswer.Failure(response, SearchStep, $"without SendGrid's error body: {WrongAddress}", clock, cancellationToken);
                SetAll(outcomes, group, stop);
            }
        }
        return found;
    }

    /// <summary>
    /// Null when <c>GET /v3/marketing/contacts/count</c> answers SendGrid's <c>{"contact_count":N}</c> at this address;
    /// otherwise the outcome that stops the call (never Gone).
    /// </summary>
    private async Task<DeletionOutcome?> ConfirmContactsApiAsync(CancellationToken cancellationToken)
    {
        using var response = await api.CountContactsAsync(cancellationToken).ConfigureAwait(false);
        if (SendGridAnswer.Is(response, HttpStatusCode.OK) && response.Error is null
            && response.Content.ValueKind == JsonValueKind.Object
            && response.Content.TryGetProperty("contact_count", out var count) && count.ValueKind == JsonValueKind.Number)
            return null;
        if (SendGridAnswer.Is(response, HttpStatusCode.NotFound))
            return DeletionOutcome.Permanent($"{SearchStep}: HTTP 404, and the contacts API is not at this address either ({WrongAddress})");
        return SendGridAnswer.Failure(response, ConfirmStep, WrongAddress, clock, cancellationToken);
    }

    /// <summary>Null and the contact's id when SendGrid found it; otherwise the address's outcome.</summary>
    private static DeletionOutcome? Classify(SendGridSearchResult.Entry? entry, out string? contactId)
    {
        contactId = null;
        if (entry is null)
            // Never read as "not there": SendGrid answers every searched address, found or not.
            return DeletionOutcome.Transient($"{SearchStep}: SendGrid's answer does not mention the address");
        if (entry.HasContact)
        {
            if (entry.ContactId is { } id && IdFormat().IsMatch(id))
            {
                contactId = id;
                return null;
            }
            return DeletionOutcome.Transient($"{SearchStep}: the contact found has no readable id");
        }
        if (entry.Error is { } error && error.Contains("not found", StringComparison.OrdinalIgnoreCase))
            return NotAContact;
        // Some other per-address error: its text is SendGrid's and may quote the address, so it is not kept.
        return DeletionOutcome.Permanent($"{SearchStep}: SendGrid could not search the address");
    }

    /// <summary>Deletes the contacts found in one request (at most 100 ids: one search's worth) and sets their learners' outcomes.</summary>
    private async Task DeleteAsync(Dictionary<string, string> found, Dictionary<string, DeletionOutcome> outcomes, CancellationToken cancellationToken)
    {
        DeletionOutcome? transient = null;
        foreach (var ids in found.Values.Distinct(StringComparer.Ordinal).Chunk(SendGridOptions.MaxEmailsPerSearch))
        {
            // After a transient answer (usually 429) the next request would most likely get the same.
            var outcome = transient ?? await DeleteByIdAsync(ids, cancellationToken).ConfigureAwait(false);
            if (outcome.Kind == DeletionOutcomeKind.Transient)
                transient = outcome;
            foreach (var (email, id) in found)
                if (ids.Contains(id, StringComparer.Ordinal))
                    outcomes[email] = outcome;
        }
    }

    private async Task<DeletionOutcome> DeleteByIdAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        using var response = await api.DeleteContactsByIdAsync(ids, cancellationToken).ConfigureAwait(false);
        if (SendGridAnswer.Is(response, HttpStatusCode.Accepted) && response.Error is null)
            // Without a job id the deletion cannot be followed: the next attempt searches again and deletes what is
            // still there, which is harmless, while counting this as accepted would lose track of the erasure.
            return JobId(response.Content) is { } jobId
                ? DeletionOutcome.Pending(jobId, options.JobCheckInterval)
                : DeletionOutcome.Transient($"{DeleteStep}: HTTP 202 without a readable job_id");
        if (SendGridAnswer.Is(response, HttpStatusCode.NotFound))
            // The search found these contacts a moment ago; the next attempt searches again and finds them gone, or not.
            return DeletionOutcome.Transient($"{DeleteStep}: HTTP 404 for contacts just found (searched again at the next attempt)");
        return SendGridAnswer.Failure(response, DeleteStep, WrongAddress, clock, cancellationToken);
    }

    /// <summary>
    /// The deletion job's id: a string (SendGrid's reference types it "object"; a number is taken too), in SendGrid's
    /// id alphabet; null otherwise.
    /// </summary>
    private static string? JobId(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("job_id", out var value))
            return null;
        var id = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number => value.GetRawText(),
            _ => null,
        };
        return id is not null && IdFormat().IsMatch(id) ? id : null;
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
            if (!IdFormat().IsMatch(reference))
                outcome = DeletionOutcome.Permanent("no SendGrid deletion job to check (the reference is not a job id)");
            else if (rateLimited is not null)
                // SendGrid just said "too many requests": asking about the next job would earn the same.
                outcome = DeletionOutcome.Transient(rateLimited.Reason!, rateLimited.RetryAfter, reference);
            else if (looked >= options.MaxJobChecksPerCall)
                outcome = DeletionOutcome.Pending(reference, Shorter(UncheckedRecheck, options.JobCheckInterval), "not checked in this call");
            else
            {
                looked++;
                (outcome, var slowDown) = await CheckAsync(reference, cancellationToken).ConfigureAwait(false);
                if (slowDown)
                    rateLimited = outcome;
            }
            foreach (var item in job)
                results.Set(item, outcome);
        }
        return results;
    }

    /// <summary>What SendGrid says of job <paramref name="jobId"/> (every outcome keeps the reference), and whether it answered 429.</summary>
    private async Task<(DeletionOutcome Outcome, bool RateLimited)> CheckAsync(string jobId, CancellationToken cancellationToken)
    {
        using var response = await api.GetJobAsync(jobId, cancellationToken).ConfigureAwait(false);
        if (SendGridAnswer.Is(response, HttpStatusCode.OK) && response.Error is null)
            return (Classify(response.Content, jobId), false);
        var failure = SendGridAnswer.Failure(response, CheckStep, UnknownJob, clock, cancellationToken, jobId);
        return (failure, SendGridAnswer.Is(response, HttpStatusCode.TooManyRequests));
    }

    private DeletionOutcome Classify(JsonElement job, string jobId)
    {
        if (job.ValueKind != JsonValueKind.Object)
            return DeletionOutcome.Transient($"{CheckStep}: unreadable answer", providerReference: jobId);
        if (Text(job, "id") is { } id && !string.Equals(id, jobId, StringComparison.Ordinal))
            return DeletionOutcome.Transient($"{CheckStep}: the answer is about another job", providerReference: jobId);
        // The status endpoint also reports upserts and imports: a "completed" of one of those is no erasure.
        if (Text(job, "job_type") is { } type && !string.Equals(type, "delete", StringComparison.OrdinalIgnoreCase))
            return DeletionOutcome.Permanent($"SendGrid job {jobId} is not a contact deletion job", jobId);

        var status = Text(job, "status")?.Trim().ToLowerInvariant();
        return status switch
        {
            "completed" => DeletionOutcome.Deleted(jobId),
            "pending" => DeletionOutcome.Pending(jobId, options.JobCheckInterval, "pending"),
            // SendGrid does not say which contacts of the job it could not delete: every learner of the job is failed
            // for an operator to look at (the job's errors_url in SendGrid), and a replay deletes whoever is left.
            "errored" => DeletionOutcome.Permanent("SendGrid deletion job errored: some contacts were not deleted (see the job's errors in SendGrid)", jobId),
            "failed" => DeletionOutcome.Permanent("SendGrid deletion job failed: no contact was deleted", jobId),
            { } other when StatusWordFormat().IsMatch(other) =>
                DeletionOutcome.Transient($"{CheckStep}: unknown status {other}", providerReference: jobId),
            _ => DeletionOutcome.Transient($"{CheckStep}: no readable status", providerReference: jobId),
        };
    }

    private static string? Text(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static void SetAll(Dictionary<string, DeletionOutcome> outcomes, IEnumerable<string> emails, DeletionOutcome outcome)
    {
        foreach (var email in emails)
            outcomes[email] = outcome;
    }

    private static TimeSpan Shorter(TimeSpan a, TimeSpan b) => a < b ? a : b;

    /// <summary>SendGrid's contact and job ids: UUIDs in practice (the reference's examples look like <c>asdf-Jkl-zxCvBNm</c>).
    /// Anything else is not put in a URL or stored.</summary>
    [GeneratedRegex("^[A-Za-z0-9_-]{1,100}$", RegexOptions.CultureInvariant)]
    private static partial Regex IdFormat();

    [GeneratedRegex("^[a-z][a-z_]{0,39}$", RegexOptions.CultureInvariant)]
    private static partial Regex StatusWordFormat();
}
