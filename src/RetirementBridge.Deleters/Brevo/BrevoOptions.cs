namespace RetirementBridge.Deleters.Brevo;

/// <summary>Configuration section <c>Deleters:Brevo</c>; Brevo's documented limits are the defaults.</summary>
public sealed class BrevoOptions : DeleterOptions
{
    /// <summary>Brevo's API host; the deleter adds <c>/v3</c> to its paths, so <c>BaseUrl</c> never carries it.</summary>
    public static readonly Uri DefaultBaseUrl = new("https://api.brevo.com");

    /// <summary>The request header Brevo reads the API key from.</summary>
    public const string ApiKeyHeader = "api-key";

    /// <summary>
    /// Brevo's general rate limit for every endpoint under <c>/v3/contacts</c>, on every plan: 10 requests per second
    /// (36,000 per hour, which 10 per second never exceeds). Professional and Enterprise accounts with advanced or
    /// extended limits (20 or 60 per second) raise <c>RateLimit:Requests</c>.
    /// </summary>
    public const int ContactsRequestsPerSecond = 10;

    public BrevoOptions()
    {
        BaseUrl = DefaultBaseUrl;
        // One contact per DELETE: Brevo has no batch contact deletion by email.
        BatchSize = 1;
        // Every request counts, and a learner whose address has upper-case letters costs two (see RequestShape).
        RateLimit = new RateLimitOptions { Requests = ContactsRequestsPerSecond, Per = TimeSpan.FromSeconds(1) };
    }

    /// <summary>A Brevo API v3 key (not an SMTP key), sent in the <c>api-key</c> header.</summary>
    public string? ApiKey { get; set; }

    public override int MaxBatchSize => 1;

    public override string RequestShape =>
        "DELETE /v3/contacts/{email}?identifierType=email_id per learner: the address lower-cased, then as typed when that differs";

    public override IEnumerable<string> Validate()
    {
        foreach (var problem in base.Validate())
            yield return problem;

        // Never echo the key: these messages end up in start-up logs.
        if (string.IsNullOrWhiteSpace(ApiKey))
            yield return "ApiKey is required";
        else if (ApiKey.Any(c => c <= ' ' || c > '~'))
            yield return "ApiKey must be printable ASCII without spaces or line breaks";

        if (BaseUrl is { IsAbsoluteUri: true } url)
        {
            // The key travels in every request: never in clear text over a network.
            if (url.Scheme == Uri.UriSchemeHttp && !url.IsLoopback)
                yield return "BaseUrl must use https (http only for a loopback address)";
            // https://api.brevo.com/v3 would make every path /v3/v3/contacts/…, whose 404 must not read as "gone".
            if (url.AbsolutePath.TrimEnd('/').EndsWith("/v3", StringComparison.OrdinalIgnoreCase))
                yield return "BaseUrl must not end in /v3 (the deleter adds it)";
        }
    }
}
