namespace RetirementBridge.Deleters.HubSpot;

/// <summary>Configuration section <c>Deleters:HubSpot</c>.</summary>
public sealed class HubSpotOptions : DeleterOptions
{
    /// <summary>HubSpot's API address for every account (<c>BaseUrl</c> overrides it, e.g. for a proxy).</summary>
    public static readonly Uri DefaultBaseUrl = new("https://api.hubapi.com");

    /// <summary>HubSpot's default burst limit for private apps: 100 requests per 10 seconds, per account.</summary>
    public const int DefaultRequestsPerWindow = 100;

    public static readonly TimeSpan DefaultWindow = TimeSpan.FromSeconds(10);

    public HubSpotOptions()
    {
        // One contact per gdpr-delete: HubSpot has no batch GDPR deletion.
        BatchSize = 1;
        // Each learner costs two requests (the lookup, then the deletion), both counted here. Accounts with a higher
        // burst limit (190 per 10 s for Professional and Enterprise) raise RateLimit:Requests.
        RateLimit = new RateLimitOptions { Requests = DefaultRequestsPerWindow, Per = DefaultWindow };
    }

    /// <summary>
    /// A private app's access token (<c>pat-…</c>), sent as <c>Authorization: Bearer</c>. The app needs the scopes
    /// <c>crm.objects.contacts.read</c> (the lookup) and <c>crm.objects.contacts.write</c> (the deletion).
    /// </summary>
    public string? AccessToken { get; set; }

    public override int MaxBatchSize => 1;

    public override string RequestShape =>
        "GET /crm/v3/objects/contacts/{email}?idProperty=email per learner, then, only when found, " +
        "POST /crm/v3/objects/contacts/gdpr-delete {\"objectId\":{email},\"idProperty\":\"email\"}";

    /// <summary><see cref="DeleterOptions.BaseUrl"/>, or <see cref="DefaultBaseUrl"/>. A method, so the binder never reads it.</summary>
    internal Uri EffectiveBaseUrl() => BaseUrl ?? DefaultBaseUrl;

    public override IEnumerable<string> Validate()
    {
        foreach (var problem in base.Validate())
            yield return problem;

        // Never echo the token: these messages end up in start-up logs.
        if (string.IsNullOrWhiteSpace(AccessToken))
            yield return "AccessToken is required";
        else if (AccessToken.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            yield return "AccessToken must not contain spaces or line breaks";

        // The token travels in every request: never in clear text over a network.
        if (BaseUrl is { IsAbsoluteUri: true } url && url.Scheme == Uri.UriSchemeHttp && !url.IsLoopback)
            yield return "BaseUrl must use https (http only for a loopback address)";
    }
}
