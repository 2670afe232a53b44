using System.Net;
using System.Text.RegularExpressions;

namespace RetirementBridge.Deleters.Braze;

/// <summary>Configuration section <c>Deleters:Braze</c>.</summary>
public sealed partial class BrazeOptions : DeleterOptions
{
    /// <summary>Braze's limit on identifiers in one <c>POST /users/delete</c>.</summary>
    public const int MaxIdsPerRequest = 50;

    /// <summary>Braze's default limit for <c>/users/delete</c>, per workspace, shared with <c>/users/alias/new</c>,
    /// <c>/users/alias/update</c>, <c>/users/identify</c> and <c>/users/merge</c>.</summary>
    public const int RequestsPerMinute = 20_000;

    public BrazeOptions()
    {
        BatchSize = MaxIdsPerRequest;
        RateLimit = new RateLimitOptions { Requests = RequestsPerMinute, Per = TimeSpan.FromMinutes(1) };
        // Braze documents no limit on concurrent connections; four calls of 50 learners each are far below the rate limit.
        MaxConcurrency = 4;
        Timeout = TimeSpan.FromSeconds(30);
    }

    public override int MaxBatchSize => MaxIdsPerRequest;

    /// <summary>A REST API key with the <c>users.delete</c> permission, sent as <c>Authorization: Bearer</c>.</summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// The REST endpoint's instance as it appears in its host name, e.g. <c>iad-01</c> for
    /// <c>https://rest.iad-01.braze.com</c> (dashboard US-01) or <c>fra-01</c> for <c>https://rest.fra-01.braze.eu</c>
    /// (EU-01). Set this or <see cref="DeleterOptions.BaseUrl"/>, not both.
    /// </summary>
    public string? Instance { get; set; }

    /// <summary><see cref="DeleterOptions.BaseUrl"/>, else the instance's REST endpoint; null while neither is valid.</summary>
    public Uri? EffectiveBaseUrl => BaseUrl ?? InstanceUrl(Instance);

    public override string RequestShape =>
        $"POST /users/delete {{\"external_ids\": [LMS user ids]}}, up to {MaxIdsPerRequest} learners in one request";

    /// <summary>The REST endpoint of a Braze instance: <c>fra-NN</c> (the EU instances) is under braze.eu, every other under braze.com.</summary>
    public static Uri? InstanceUrl(string? instance)
    {
        if (instance is null || !InstanceFormat().IsMatch(instance) || IsDashboardName(instance))
            return null;
        var label = instance.ToLowerInvariant();
        var domain = label.StartsWith("fra-", StringComparison.Ordinal) ? "braze.eu" : "braze.com";
        return new Uri($"https://rest.{label}.{domain}");
    }

    public override IEnumerable<string> Validate()
    {
        foreach (var problem in base.Validate())
            yield return problem;

        // Never echo the key: these messages end up in start-up logs.
        if (string.IsNullOrWhiteSpace(ApiKey))
            yield return "ApiKey is required";
        else if (ApiKey.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            yield return "ApiKey must not contain spaces or control characters";

        var hasInstance = !string.IsNullOrWhiteSpace(Instance);
        if (BaseUrl is null && !hasInstance)
            yield return "BaseUrl or Instance is required (e.g. Instance: iad-01)";
        else if (BaseUrl is not null && hasInstance)
            yield return "set BaseUrl or Instance, not both";
        else if (hasInstance && IsDashboardName(Instance!))
            yield return "Instance is the REST host's name, not the dashboard's (US-01 is iad-01, EU-01 is fra-01)";
        else if (hasInstance && InstanceUrl(Instance) is null)
            yield return "Instance must look like iad-01 or fra-01 (rest.<Instance>.braze.com; set BaseUrl for any other host)";

        if (BaseUrl is { IsAbsoluteUri: true } url)
        {
            // The key goes with every request: over plain http it would cross the network readable.
            if (url.Scheme != Uri.UriSchemeHttps && !IsLoopback(url))
                yield return "BaseUrl must use https (the API key is sent with every request)";
            if (!string.IsNullOrEmpty(url.Query) || !string.IsNullOrEmpty(url.Fragment))
                yield return "BaseUrl must not have a query or fragment";
        }
    }

    /// <summary>US-01..US-08 and EU-01/EU-02 name dashboards; their REST hosts are iad-0N and fra-0N, and
    /// rest.us-01.braze.com does not exist.</summary>
    private static bool IsDashboardName(string instance) => DashboardName().IsMatch(instance);

    private static bool IsLoopback(Uri url) =>
        url.IsLoopback || (IPAddress.TryParse(url.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    [GeneratedRegex("^[A-Za-z]{2,4}-[0-9]{2}$")]
    private static partial Regex InstanceFormat();

    [GeneratedRegex("^(?i:us-0[1-8]|eu-[0-9]{2})$")]
    private static partial Regex DashboardName();
}
