using System.Globalization;
using System.Net;

namespace RetirementBridge.Deleters.Klaviyo;

/// <summary>Configuration section <c>Deleters:Klaviyo</c>; Klaviyo's documented limits are the defaults.</summary>
public sealed class KlaviyoOptions : DeleterOptions
{
    /// <summary>Klaviyo's API address for every account (<c>BaseUrl</c> overrides it, e.g. for a proxy).</summary>
    public static readonly Uri DefaultBaseUrl = new("https://a.klaviyo.com");

    /// <summary>The API revision the deleter was written and tested against (sent as the <c>revision</c> header).</summary>
    public const string DefaultRevision = "2024-10-15";

    /// <summary>Klaviyo's burst limit for Request Profile Deletion: 3 requests per second, per account.</summary>
    public const int BurstPerSecond = 3;

    /// <summary>Klaviyo's steady limit for Request Profile Deletion: 60 requests per minute, per account.</summary>
    public const int SteadyPerMinute = 60;

    public KlaviyoOptions()
    {
        BaseUrl = DefaultBaseUrl;
        // Klaviyo deletes one profile identifier per request: no batch deletion.
        BatchSize = 1;
        // Klaviyo counts two fixed windows at once: burst 3/s and steady 60/min. The bridge keeps one sliding window per
        // deleter, so it is 3 requests per 3 seconds: at most 3 in any second (the burst) and at most 20 × 3 = 60 in any
        // minute (the steady). A shorter window cannot honour both: 3 per 1 s allows 180 a minute, 60 per 1 min allows
        // 60 in one second. Every request counts, including the second request for a mixed-case address. The limit is
        // the account's: other integrations using a private key of the same account share it.
        RateLimit = new RateLimitOptions { Requests = BurstPerSecond, Per = TimeSpan.FromSeconds(3) };
        // At about one request a second, two calls keep the limit busy while one waits for Klaviyo's answer; more
        // would only wait for permits inside their Timeout.
        MaxConcurrency = 2;
        Timeout = TimeSpan.FromSeconds(30);
    }

    /// <summary>A private API key (<c>pk_…</c>) with the <c>data-privacy:write</c> scope, sent as
    /// <c>Authorization: Klaviyo-API-Key pk_…</c>.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The API revision, a date (<c>YYYY-MM-DD</c>), sent as the <c>revision</c> header with every request.</summary>
    public string Revision { get; set; } = DefaultRevision;

    public override int MaxBatchSize => 1;

    public override string RequestShape =>
        "POST /api/data-privacy-deletion-jobs {\"data\":{\"type\":\"data-privacy-deletion-job\",\"attributes\":{\"profile\":" +
        "{\"data\":{\"type\":\"profile\",\"attributes\":{\"email\":{email}}}}}}} per learner, a second time with the " +
        "address lower-cased when that differs";

    public override IEnumerable<string> Validate()
    {
        foreach (var problem in base.Validate())
            yield return problem;

        // Never echo the key: these messages end up in start-up logs.
        if (string.IsNullOrWhiteSpace(ApiKey))
            yield return "ApiKey is required";
        else if (ApiKey.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            yield return "ApiKey must not contain spaces or line breaks";
        else if (!ApiKey.StartsWith("pk_", StringComparison.Ordinal) || ApiKey.Length <= "pk_".Length)
            yield return "ApiKey must be a private API key (pk_…), not the 6-character public key";

        if (!IsRevision(Revision))
            yield return "Revision must be a date like 2024-10-15 (YYYY-MM-DD)";

        if (BaseUrl is { IsAbsoluteUri: true } url)
        {
            // The key goes with every request: over plain http it would cross the network readable.
            if (url.Scheme != Uri.UriSchemeHttps && !IsLoopback(url))
                yield return "BaseUrl must use https (http only for a loopback address)";
            if (!string.IsNullOrEmpty(url.Query) || !string.IsNullOrEmpty(url.Fragment))
                yield return "BaseUrl must not have a query or fragment";
        }
    }

    /// <summary>A real calendar date written <c>YYYY-MM-DD</c>. Klaviyo also knows pre-release revisions
    /// (<c>YYYY-MM-DD.pre</c>); a GDPR erasure stays on a stable one.</summary>
    private static bool IsRevision(string? revision) =>
        revision is { Length: 10 }
        && DateOnly.TryParseExact(revision, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);

    private static bool IsLoopback(Uri url) =>
        url.IsLoopback || (IPAddress.TryParse(url.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
