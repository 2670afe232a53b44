using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace RetirementBridge.Deleters.Salesforce;

/// <summary>
/// Configuration section <c>Deleters:Salesforce</c>: the REST API of one Salesforce org, reached with the OAuth 2.0
/// client credentials flow of a connected app (or external client app) that has a run-as user.
/// </summary>
/// <remarks>
/// The run-as user must see and delete every Lead and Contact (e.g. View All and Modify All on both objects, and read
/// access to their Email field): a record that sharing hides from it is not found, and reads as not there.
/// </remarks>
public sealed partial class SalesforceOptions : DeleterOptions
{
    /// <summary>sObject Collections deletes at most 200 records in one request.</summary>
    public const int MaxIdsPerDelete = 200;

    /// <summary>
    /// The most learners one call takes. Each learner's address (and its lower-cased form, when it differs) goes into
    /// the query's URL; at 100 learners a query of typical addresses stays within <see cref="SalesforceSoql.MaxEncodedQueryLength"/>,
    /// and a longer one is split rather than refused.
    /// </summary>
    public const int MaxLearnersPerCall = 100;

    /// <summary>Salesforce's limit on concurrent long-running (20 s or more) requests in a production org or sandbox.</summary>
    public const int MaxConcurrentLongRequests = 25;

    /// <summary>
    /// The smallest allocation of API requests per rolling 24 hours Salesforce grants an org (Developer Edition);
    /// other editions get 100,000 or more. The deleter uses about 3 requests per call of up to 100 learners.
    /// </summary>
    public const int SmallestDailyAllocation = 15_000;

    /// <summary>sObject Collections (the batch delete) exists from API version 42.0.</summary>
    public const int OldestApiVersion = 42;

    public const string DefaultApiVersion = "v62.0";

    public SalesforceOptions()
    {
        BatchSize = 50;
        RateLimit = new RateLimitOptions { Requests = SmallestDailyAllocation, Per = TimeSpan.FromDays(1) };
        MaxConcurrency = 4;
        // A call is at most a token request, two queries and one delete of up to 200 records (triggers and cascades
        // included): a minute leaves room for a slow org.
        Timeout = TimeSpan.FromMinutes(1);
    }

    /// <summary>
    /// The org's My Domain address, e.g. <c>https://acme.my.salesforce.com</c> (a sandbox:
    /// <c>https://acme--uat.sandbox.my.salesforce.com</c>). The token and every API call go there. Set this or
    /// <see cref="DeleterOptions.BaseUrl"/> (a proxy, a test fake), not both. A string, so that a malformed value is
    /// reported without being echoed.
    /// </summary>
    public string? InstanceUrl { get; set; }

    /// <summary>The connected app's consumer key.</summary>
    public string? ClientId { get; set; }

    /// <summary>The connected app's consumer secret. Never logged, never echoed.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>The REST API version in the path, <c>vNN.0</c>.</summary>
    public string ApiVersion { get; set; } = DefaultApiVersion;

    public override int MaxBatchSize => MaxLearnersPerCall;

    public override string RequestShape =>
        $"POST /services/oauth2/token (client credentials, only when no token is cached or one was refused); " +
        $"GET /services/data/{ApiVersion}/query?q=SELECT Id, Email FROM Lead WHERE Email IN ({{addresses}}), the same FROM Contact " +
        $"(one query per object per batch, more only for very long addresses); " +
        $"DELETE /services/data/{ApiVersion}/composite/sobjects?ids={{ids}}&allOrNone=false per {MaxIdsPerDelete} records found";

    /// <summary><see cref="DeleterOptions.BaseUrl"/>, else <see cref="InstanceUrl"/>; null while neither is valid.</summary>
    internal Uri? EffectiveBaseUrl() => BaseUrl ?? (IsUsableInstanceUrl(InstanceUrl, out var url) ? url : null);

    public override IEnumerable<string> Validate()
    {
        foreach (var problem in base.Validate())
            yield return problem;

        // Never echo the credentials: these messages end up in start-up logs.
        if (string.IsNullOrWhiteSpace(ClientId))
            yield return "ClientId is required";
        else if (HasSpaceOrControl(ClientId))
            yield return "ClientId must not contain spaces or control characters";
        if (string.IsNullOrWhiteSpace(ClientSecret))
            yield return "ClientSecret is required";
        else if (HasSpaceOrControl(ClientSecret))
            yield return "ClientSecret must not contain spaces or control characters";

        if (!ApiVersionFormat().IsMatch(ApiVersion ?? ""))
            yield return $"ApiVersion must look like {DefaultApiVersion}";
        else if (int.Parse(ApiVersion![1..^2], NumberStyles.None, CultureInfo.InvariantCulture) < OldestApiVersion)
            yield return $"ApiVersion must be v{OldestApiVersion}.0 or later (the batch delete needs it)";

        if (MaxConcurrency > MaxConcurrentLongRequests)
            yield return $"MaxConcurrency must be at most {MaxConcurrentLongRequests} (Salesforce's limit on concurrent long requests)";

        var hasInstance = !string.IsNullOrWhiteSpace(InstanceUrl);
        if (BaseUrl is null && !hasInstance)
            yield return "InstanceUrl or BaseUrl is required (e.g. InstanceUrl: https://acme.my.salesforce.com)";
        else if (BaseUrl is not null && hasInstance)
            yield return "set InstanceUrl or BaseUrl, not both";
        else if (hasInstance && InstanceUrlProblem(InstanceUrl!) is { } problem)
            yield return problem;

        if (BaseUrl is { IsAbsoluteUri: true } baseUrl)
        {
            // The client secret and the token go with requests: over plain http they would cross the network readable.
            if (baseUrl.Scheme != Uri.UriSchemeHttps && !IsLoopback(baseUrl))
                yield return "BaseUrl must use https (http only for a loopback address)";
            if (!string.IsNullOrEmpty(baseUrl.Query) || !string.IsNullOrEmpty(baseUrl.Fragment) || !string.IsNullOrEmpty(baseUrl.UserInfo))
                yield return "BaseUrl must not have a query, fragment or user info";
        }
    }

    /// <summary>What is wrong with an InstanceUrl, naming the expected shape, never the value; null when it is usable.</summary>
    internal static string? InstanceUrlProblem(string instanceUrl)
    {
        if (!Uri.TryCreate(instanceUrl.Trim(), UriKind.Absolute, out var url) || url.Scheme != Uri.UriSchemeHttps || string.IsNullOrEmpty(url.Host))
            return "InstanceUrl must be an https URL (e.g. https://acme.my.salesforce.com)";
        if (!string.IsNullOrEmpty(url.UserInfo) || url.AbsolutePath != "/" || !string.IsNullOrEmpty(url.Query) || !string.IsNullOrEmpty(url.Fragment))
            return "InstanceUrl must be the org's address alone, without a path or query (e.g. https://acme.my.salesforce.com)";
        var host = url.Host.ToLowerInvariant();
        if (host.EndsWith(".lightning.force.com", StringComparison.Ordinal))
            return "InstanceUrl is a Lightning address: use the org's My Domain URL (https://<domain>.my.salesforce.com)";
        if (host is "login.salesforce.com" or "test.salesforce.com")
            return "InstanceUrl must be the org's My Domain URL, not login.salesforce.com or test.salesforce.com (the API calls go there too)";
        return null;
    }

    private static bool IsUsableInstanceUrl(string? instanceUrl, out Uri? url)
    {
        url = null;
        if (string.IsNullOrWhiteSpace(instanceUrl) || InstanceUrlProblem(instanceUrl) is not null)
            return false;
        url = new Uri(instanceUrl.Trim(), UriKind.Absolute);
        return true;
    }

    private static bool HasSpaceOrControl(string value) => value.Any(c => char.IsWhiteSpace(c) || char.IsControl(c));

    private static bool IsLoopback(Uri url) =>
        url.IsLoopback || (IPAddress.TryParse(url.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    [GeneratedRegex("^v[0-9]{2,3}\\.0$")]
    private static partial Regex ApiVersionFormat();
}
