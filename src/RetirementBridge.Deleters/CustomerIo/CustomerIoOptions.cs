using System.Net;

namespace RetirementBridge.Deleters.CustomerIo;

/// <summary>Which of Customer.io's data centres holds the workspace.</summary>
public enum CustomerIoRegion
{
    /// <summary>The US data centre: <c>https://track.customer.io</c>.</summary>
    US,

    /// <summary>The EU data centre: <c>https://track-eu.customer.io</c>.</summary>
    EU,
}

/// <summary>What the deleter names the person by in Customer.io's paths.</summary>
public enum CustomerIoIdentifier
{
    /// <summary>The LMS user id (the person's <c>id</c> in Customer.io): nothing identifying goes into a URL.</summary>
    LmsUserId,

    /// <summary>
    /// The learner's email address, for workspaces that identify people by email. The address then travels in the
    /// request path (escaped as one segment).
    /// </summary>
    Email,
}

/// <summary>Configuration section <c>Deleters:CustomerIo</c>.</summary>
public sealed class CustomerIoOptions : DeleterOptions
{
    /// <summary>The Track API's US address (<c>/api/v1/...</c> paths are added to it).</summary>
    public static readonly Uri UsBaseUrl = new("https://track.customer.io");

    /// <summary>The Track API's EU address.</summary>
    public static readonly Uri EuBaseUrl = new("https://track-eu.customer.io");

    /// <summary>
    /// Customer.io's Track API reference gives a fair-use limit of 100 requests per second per workspace (v1 and v2);
    /// every request counts: the deletion, the suppression and the region check that confirms a 404.
    /// </summary>
    public const int RequestsPerSecond = 100;

    public CustomerIoOptions()
    {
        // The Track API deletes one person per request: no batch deletion in v1.
        BatchSize = 1;
        RateLimit = new RateLimitOptions { Requests = RequestsPerSecond, Per = TimeSpan.FromSeconds(1) };
    }

    /// <summary>The workspace's Track API site id (the Basic user name).</summary>
    public string? SiteId { get; set; }

    /// <summary>The workspace's Track API key (the Basic password).</summary>
    public string? ApiKey { get; set; }

    /// <summary>US (default) or EU; <see cref="DeleterOptions.BaseUrl"/>, when set, wins.</summary>
    public CustomerIoRegion Region { get; set; } = CustomerIoRegion.US;

    /// <summary>What the person is named by in the path: the LMS user id (default) or the email address.</summary>
    public CustomerIoIdentifier Identifier { get; set; } = CustomerIoIdentifier.LmsUserId;

    /// <summary>
    /// After the deletion, also <c>POST /api/v1/customers/{identifier}/suppress</c>, so that a later event or
    /// identify call for the same identifier is ignored instead of creating the person again. Customer.io keeps the
    /// suppressed identifier (the LMS user id, or the email address with <see cref="CustomerIoIdentifier.Email"/>) in
    /// its suppression list: that is what blocks re-creation.
    /// </summary>
    public bool Suppress { get; set; }

    public override int MaxBatchSize => 1;

    /// <summary><see cref="DeleterOptions.BaseUrl"/>, or the <see cref="Region"/>'s Track API address.</summary>
    public Uri EffectiveBaseUrl => BaseUrl ?? (Region == CustomerIoRegion.EU ? EuBaseUrl : UsBaseUrl);

    public override string RequestShape =>
        (Identifier == CustomerIoIdentifier.Email
            ? "DELETE /api/v1/customers/{email} per learner (the address as the LMS has it, then its lower-case form when that differs)"
            : "DELETE /api/v1/customers/{lms_user_id} per learner")
        + (Suppress ? ", each followed by POST /api/v1/customers/{identifier}/suppress {}" : "")
        + "; a 404 is confirmed with GET /api/v1/accounts/region";

    public override IEnumerable<string> Validate()
    {
        foreach (var problem in base.Validate())
            yield return problem;

        // Never echo the credentials: these messages end up in start-up logs.
        if (string.IsNullOrWhiteSpace(SiteId))
            yield return "SiteId is required";
        else if (SiteId.Contains(':') || SiteId.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            yield return "SiteId must not contain ':' or whitespace";

        if (string.IsNullOrWhiteSpace(ApiKey))
            yield return "ApiKey is required";
        else if (ApiKey.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            yield return "ApiKey must not contain whitespace";

        if (!Enum.IsDefined(Region))
            yield return "Region must be US or EU";
        if (!Enum.IsDefined(Identifier))
            yield return "Identifier must be LmsUserId or Email";

        if (BaseUrl is { IsAbsoluteUri: true } url)
        {
            // The credentials go with every request: over plain http they would cross the network readable.
            if (url.Scheme != Uri.UriSchemeHttps && !IsLoopback(url))
                yield return "BaseUrl must use https (http only for a loopback address)";
            if (!string.IsNullOrEmpty(url.Query) || !string.IsNullOrEmpty(url.Fragment))
                yield return "BaseUrl must not have a query or fragment";
            // The deleter adds /api/v1/...: a BaseUrl that already ends with it would make every path
            // /api/v1/api/v1/..., which Customer.io answers 404.
            if (url.AbsolutePath.TrimEnd('/').EndsWith("/api/v1", StringComparison.OrdinalIgnoreCase)
                || url.AbsolutePath.TrimEnd('/').EndsWith("/api", StringComparison.OrdinalIgnoreCase))
                yield return "BaseUrl is the Track API's host (e.g. https://track-eu.customer.io), without /api/v1";
        }
    }

    private static bool IsLoopback(Uri url) =>
        url.IsLoopback || (IPAddress.TryParse(url.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
