using System.Text.RegularExpressions;

namespace RetirementBridge.Deleters.Mailgun;

/// <summary>Configuration section <c>Deleters:Mailgun</c>.</summary>
public sealed partial class MailgunOptions : DeleterOptions
{
    /// <summary>Mailgun's REST API in its US region.</summary>
    public static readonly Uri UsBaseUrl = new("https://api.mailgun.net");

    /// <summary>Mailgun's REST API in its EU region (mailing lists and suppressions live in one region only).</summary>
    public static readonly Uri EuBaseUrl = new("https://api.eu.mailgun.net");

    /// <summary>
    /// The only per-account request limit Mailgun publishes for a management API: 300 requests a minute (its
    /// Webhooks API; a 429 then asks to wait). Mailgun publishes no number for mailing lists or suppressions, so
    /// the bridge keeps to the same pace: a 429 from the account's real limit still slows it down.
    /// </summary>
    public const int DefaultRequestsPerMinute = 300;

    /// <summary><c>GET /v3/lists/pages</c>'s page size: Mailgun's documented default (100), which is also the largest value seen documented.</summary>
    public const int ListPageSize = 100;

    public MailgunOptions()
    {
        // Mailgun has no batch removal of an address from lists or suppressions: one learner per call.
        BatchSize = 1;
        RateLimit = new RateLimitOptions { Requests = DefaultRequestsPerMinute, Per = TimeSpan.FromMinutes(1) };
        // One learner costs a request per mailing list and three per domain, plus the listing of the lists: at 5
        // requests a second shared by the calls running at once, more calls only make each slower, and Timeout
        // (which includes the wait for the rate limit) must leave a call room for an account with many lists.
        MaxConcurrency = 2;
        Timeout = TimeSpan.FromMinutes(2);
    }

    /// <summary>A Mailgun API key (Basic auth, user <c>api</c>). It needs to read and edit mailing lists and suppressions.</summary>
    public string? ApiKey { get; set; }

    /// <summary><c>US</c> (default) or <c>EU</c>: the region whose mailing lists and suppressions are erased. <c>BaseUrl</c> overrides it.</summary>
    public string Region { get; set; } = "US";

    /// <summary>
    /// Mailing list addresses to erase the learner from. When empty, every call first lists every mailing list of
    /// the account in the region (<c>GET /v3/lists/pages</c>, following <c>paging.next</c> until an empty page), so
    /// lists created later are covered without a configuration change, at the cost of the listing's requests.
    /// </summary>
    public List<string> Lists { get; set; } = [];

    /// <summary>
    /// Sending domains whose suppressions (unsubscribes, bounces, complaints) the learner's address is removed from.
    /// Empty (the default): suppressions are left alone. Removing an address from a domain's suppressions also means
    /// Mailgun would deliver to it again if anyone sent to it.
    /// </summary>
    public List<string> Domains { get; set; } = [];

    public override int MaxBatchSize => 1;

    public override string RequestShape =>
        "GET /v3/lists/pages?limit=100 (then each paging.next until an empty page) unless Lists are configured; per learner " +
        "DELETE /v3/lists/{list_address}/members/{email} per mailing list, and per configured domain " +
        "DELETE /v3/{domain}/unsubscribes/{email}, DELETE /v3/{domain}/bounces/{email}, DELETE /v3/{domain}/complaints/{email}; " +
        "after a 404, GET /v3/lists/{list_address} (a configured list) or GET /v3/{domain}/unsubscribes?limit=1 (a domain) to confirm it exists";

    /// <summary>
    /// <see cref="DeleterOptions.BaseUrl"/>, or the region's address; null while <see cref="Region"/> is not valid. A
    /// method, so the binder never reads it.
    /// </summary>
    internal Uri? EffectiveBaseUrl() => BaseUrl ?? (NormalizedRegion() switch
    {
        "US" => UsBaseUrl,
        "EU" => EuBaseUrl,
        _ => null,
    });

    private string? NormalizedRegion() => Region?.Trim().ToUpperInvariant();

    public override IEnumerable<string> Validate()
    {
        foreach (var problem in base.Validate())
            yield return problem;

        // Never echo the key: these messages end up in start-up logs.
        if (string.IsNullOrWhiteSpace(ApiKey))
            yield return "ApiKey is required";
        else if (ApiKey.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            yield return "ApiKey must not contain spaces or line breaks";

        if (NormalizedRegion() is not ("US" or "EU"))
            yield return "Region must be US or EU";

        // The key travels in every request: never in clear text over a network.
        if (BaseUrl is { IsAbsoluteUri: true } url && url.Scheme == Uri.UriSchemeHttp && !url.IsLoopback)
            yield return "BaseUrl must use https (http only for a loopback address)";

        // List addresses and domains go into URL paths, and name what an operator meant to erase from.
        if (Lists.Any(list => list is null || !ListAddressFormat().IsMatch(list)))
            yield return "Lists must be mailing list addresses (e.g. news@mg.example.com)";
        if (Domains.Any(domain => domain is null || !DomainFormat().IsMatch(domain)))
            yield return "Domains must be sending domain names (e.g. mg.example.com)";
    }

    [GeneratedRegex(@"^[^@\s/\\?#]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")]
    private static partial Regex ListAddressFormat();

    [GeneratedRegex(@"^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")]
    private static partial Regex DomainFormat();
}
