using System.Net;
using System.Text.RegularExpressions;
using Refit;

namespace RetirementBridge.Deleters.Salesforce;

/// <summary>A Salesforce object the deleter erases, and the prefix every one of its record ids starts with.</summary>
internal sealed record SalesforceObject(string Name, string KeyPrefix)
{
    public static readonly SalesforceObject Lead = new("Lead", "00Q");

    public static readonly SalesforceObject Contact = new("Contact", "003");

    /// <summary>What a learner can be in a Salesforce org, in the order they are looked for.</summary>
    public static readonly IReadOnlyList<SalesforceObject> Erased = [Lead, Contact];
}

/// <summary>
/// The deleter's calls with the access token: each API request carries the cached token, and when Salesforce answers
/// 401 (the token expired or was revoked), one new token is fetched and that request is sent once more. A cancelled
/// call (the attempt's timeout, the host stopping) throws, for the pipeline to classify.
/// </summary>
internal sealed partial class SalesforceClient(ISalesforceApi api, SalesforceTokenCache tokens, SalesforceOptions options)
{
    /// <summary>A query that needs more pages than this is not one the deleter should be answering for (2,000 records a page).</summary>
    public const int MaxQueryPages = 25;

    /// <summary>
    /// Every record of one SOQL query, following <c>nextRecordsUrl</c> until <c>done</c>; or why the records cannot be
    /// known (then no record of the query counts as found).
    /// </summary>
    public async Task<(List<SalesforceRecord>? Records, DeletionOutcome? Failure)> QueryAsync(
        SalesforceObject sobject, string soql, CancellationToken cancellationToken)
    {
        var step = $"{sobject.Name} query";
        var records = new List<SalesforceRecord>();
        string? locator = null;
        for (var page = 0; page < MaxQueryPages; page++)
        {
            var (response, failure) = locator is null
                ? await SendAsync(token => api.QueryAsync(options.ApiVersion, soql, token, cancellationToken), cancellationToken).ConfigureAwait(false)
                : await SendAsync(token => api.QueryMoreAsync(options.ApiVersion, locator, token, cancellationToken), cancellationToken).ConfigureAwait(false);
            if (failure is not null)
                return (null, failure);
            using (response)
            {
                if (response!.StatusCode != HttpStatusCode.OK || response.HasRequestError(out _) || response.Error is not null)
                    return (null, SalesforceAnswer.Failure(response, step));
                if (response.Content is not { Done: { } done, Records: { } rows })
                    return (null, DeletionOutcome.Transient($"{step}: unexpected answer (HTTP 200 without records)"));
                foreach (var row in rows)
                {
                    // Only ids of the object asked about are ever deleted: a wrong answer must not reach another object.
                    if (row?.Id is not { } id || !RecordIdFormat().IsMatch(id) || !id.StartsWith(sobject.KeyPrefix, StringComparison.Ordinal))
                        return (null, DeletionOutcome.Transient($"{step}: unexpected answer (a record without a {sobject.Name} id)"));
                    records.Add(row);
                }
                if (done)
                    return (records, null);
                locator = QueryLocator(response.Content.NextRecordsUrl);
                if (locator is null)
                    return (null, DeletionOutcome.Transient($"{step}: unexpected answer (more records without a readable nextRecordsUrl)"));
            }
        }
        return (null, DeletionOutcome.Permanent($"{step}: more than {MaxQueryPages} pages of records for one batch"));
    }

    /// <summary>
    /// One sObject Collections delete of up to 200 ids: a result per id, in the order sent; or why there is none (then
    /// the outcome stands for every id sent).
    /// </summary>
    public async Task<(List<SalesforceDeleteResult>? Results, DeletionOutcome? Failure)> DeleteAsync(
        IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        const string step = "delete";
        var joined = string.Join(",", ids);
        var (response, failure) = await SendAsync(
            token => api.DeleteAsync(options.ApiVersion, joined, "false", token, cancellationToken), cancellationToken).ConfigureAwait(false);
        if (failure is not null)
            return (null, failure);
        using (response)
        {
            if (response!.StatusCode != HttpStatusCode.OK || response.HasRequestError(out _) || response.Error is not null)
                return (null, SalesforceAnswer.Failure(response, step));
            if (response.Content is not { } results || results.Count != ids.Count)
                return (null, DeletionOutcome.Transient($"{step}: unexpected answer ({response.Content?.Count ?? 0} results for {ids.Count} records)"));
            for (var i = 0; i < ids.Count; i++)
            {
                // Results come in the order of the ids; a failed one may carry no id. One that names another record
                // means the answer cannot be matched to the ids at all.
                if (results[i] is not { Success: not null } result
                    || (result.Id is { } id && !SameRecord(id, ids[i])))
                    return (null, DeletionOutcome.Transient($"{step}: unexpected answer (results do not match the records sent)"));
            }
            return (results, null);
        }
    }

    /// <summary>Sends one API request with the cached token, and once more with a new token when Salesforce answers 401.</summary>
    private async Task<(TResponse? Response, DeletionOutcome? Failure)> SendAsync<TResponse>(
        Func<string, Task<TResponse>> send, CancellationToken cancellationToken)
        where TResponse : class, IApiResponse
    {
        var (token, failure) = await tokens.GetAsync(api, options, refused: null, cancellationToken).ConfigureAwait(false);
        if (failure is not null)
            return (null, failure);
        var response = await Sent(send(token!), cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Unauthorized || response.HasRequestError(out _))
            return (response, null);

        // Expired, revoked, or the session policy ended it: one new token, and this request once more.
        response.Dispose();
        (token, failure) = await tokens.GetAsync(api, options, refused: token, cancellationToken).ConfigureAwait(false);
        if (failure is not null)
            return (null, failure);
        return (await Sent(send(token!), cancellationToken).ConfigureAwait(false), null);
    }

    /// <summary>The answer, unless the call was cancelled meanwhile: then the cancellation, for the pipeline to classify.</summary>
    private static async Task<TResponse> Sent<TResponse>(Task<TResponse> sending, CancellationToken cancellationToken)
        where TResponse : class, IApiResponse
    {
        var response = await sending.ConfigureAwait(false);
        if (cancellationToken.IsCancellationRequested)
        {
            response.Dispose();
            cancellationToken.ThrowIfCancellationRequested();
        }
        return response;
    }

    /// <summary>The locator at the end of <c>/services/data/vNN.0/query/{locator}</c>; null for anything else.</summary>
    internal static string? QueryLocator(string? nextRecordsUrl) =>
        nextRecordsUrl is not null && NextRecordsUrlFormat().Match(nextRecordsUrl) is { Success: true } match ? match.Groups["locator"].Value : null;

    /// <summary>The same record: ids are case-sensitive, and a 15-character id is an 18-character one without its checksum.</summary>
    internal static bool SameRecord(string a, string b) =>
        a.Length >= 15 && b.Length >= 15 && string.CompareOrdinal(a, 0, b, 0, 15) == 0;

    [GeneratedRegex("^[A-Za-z0-9]{15}([A-Za-z0-9]{3})?$")]
    internal static partial Regex RecordIdFormat();

    [GeneratedRegex("^/services/data/v[0-9]{2,3}\\.[0-9]/query/(?<locator>[A-Za-z0-9]{15,18}-[0-9]{1,9})$")]
    private static partial Regex NextRecordsUrlFormat();
}
