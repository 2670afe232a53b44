using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using Refit;

namespace RetirementBridge.Deleters.HubSpot;

/// <summary>
/// Turns a HubSpot answer the step did not expect into an outcome. HubSpot's error bodies are read for their
/// constant fields only (<c>category</c>, <c>policyName</c>), never <c>message</c> or
/// <c>context</c>: HubSpot echoes the email address there.
/// </summary>
internal static partial class HubSpotAnswer
{
    public const string TokenRejected = "token rejected (check scopes crm.objects.contacts.write and .read)";

    /// <summary>HubSpot's category for a record (or email) it does not have.</summary>
    public const string ObjectNotFound = "OBJECT_NOT_FOUND";

    /// <summary>The policy a 429 names when the account's daily limit is used up.</summary>
    public const string DailyPolicy = "DAILY";

    /// <summary>
    /// How long to wait after a 429 of the burst limit without Retry-After: HubSpot counts requests over a rolling
    /// 10-second window, so after 10 s the requests that filled it have left it.
    /// </summary>
    public static readonly TimeSpan BurstLimitWait = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long to wait after a 429 of the daily limit without Retry-After. HubSpot resets the daily limit at
    /// midnight in the account's time zone, which the bridge does not know; asking again every hour costs at most
    /// 24 requests a day and resumes no later than an hour after the reset.
    /// </summary>
    public static readonly TimeSpan DailyLimitWait = TimeSpan.FromHours(1);

    /// <summary>
    /// The outcome of an answer other than the step's own success or not-found answer: no answer or a connection
    /// failure, 429 (with HubSpot's policy), 401/403 (the token), 408/425/5xx, an unexpected 2xx (an unreadable or
    /// unexpected body: never success), or any other status (permanent, with HubSpot's error category).
    /// </summary>
    public static DeletionOutcome Failure(IApiResponse response, string step, TimeProvider clock)
    {
        if (response.HasRequestError(out var requestError))
        {
            // No answer at all. The wrapped exception's message holds the URL (and so the email): only its type is used.
            var failure = HttpOutcomes.FromException(requestError.InnerException ?? requestError);
            return DeletionOutcome.Transient($"{step}: {failure.Reason}");
        }

        if (response.StatusCode is not { } status)
            return DeletionOutcome.Transient($"{step}: no answer");

        var code = (int)status;
        var error = ErrorOf(response);
        if (status == HttpStatusCode.TooManyRequests)
            return RateLimited(step, error, response.Headers?.RetryAfter, clock);
        if (status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            return DeletionOutcome.Permanent($"{step}: HTTP {code}, {TokenRejected}");
        if (HttpOutcomes.IsTransient(status))
            return DeletionOutcome.Transient($"{step}: HTTP {code}", HttpOutcomes.RetryAfterDelay(response.Headers?.RetryAfter, clock));
        if (code is >= 200 and < 300)
            // A maintenance page, a body without the contact's id, 200 where HubSpot answers 204: retried, and the
            // next attempt's lookup tells whether the contact is still there.
            return DeletionOutcome.Transient($"{step}: unexpected answer (HTTP {code})");
        return DeletionOutcome.Permanent(error.Category is { } category ? $"{step}: HTTP {code} {category}" : $"{step}: HTTP {code}");
    }

    /// <summary>
    /// True for HubSpot's own 404 for a missing record (JSON with category <c>OBJECT_NOT_FOUND</c>). A 404 without
    /// it (a proxy's or a load balancer's page, a wrong BaseUrl) must never read as "not there".
    /// </summary>
    public static bool IsObjectNotFound(IApiResponse response) =>
        !response.HasRequestError(out _) && response.StatusCode == HttpStatusCode.NotFound && ErrorOf(response).Category == ObjectNotFound;

    public static DeletionOutcome NotHubSpotsNotFound(string step) =>
        DeletionOutcome.Permanent($"{step}: HTTP 404 without HubSpot's {ObjectNotFound} (check BaseUrl)");

    private static DeletionOutcome RateLimited(string step, HubSpotError error, RetryConditionHeaderValue? retryAfter, TimeProvider clock)
    {
        var wait = HttpOutcomes.RetryAfterDelay(retryAfter, clock)
            ?? (error.PolicyName == DailyPolicy ? DailyLimitWait : BurstLimitWait);
        var reason = error.PolicyName is { } policy ? $"{step}: HTTP 429 ({policy} limit)" : $"{step}: HTTP 429";
        return DeletionOutcome.Transient(reason, wait);
    }

    /// <summary>The constant fields of HubSpot's error body; each null when absent or not a constant.</summary>
    internal static HubSpotError ErrorOf(IApiResponse response)
    {
        if (response.Error is not ApiException { Content: { Length: > 0 } content })
            return HubSpotError.None;
        try
        {
            using var body = JsonDocument.Parse(content);
            if (body.RootElement.ValueKind != JsonValueKind.Object)
                return HubSpotError.None;
            return new HubSpotError(Constant(body.RootElement, "category"), Constant(body.RootElement, "policyName"));
        }
        catch (JsonException)
        {
            return HubSpotError.None;
        }
    }

    /// <summary>
    /// A field's value when it is one of HubSpot's upper-case constants (<c>VALIDATION_ERROR</c>,
    /// <c>TEN_SECONDLY_ROLLING</c>): anything else is provider text that could hold the learner's email, and is dropped.
    /// </summary>
    private static string? Constant(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
        && value.GetString() is { } text && ConstantFormat().IsMatch(text) ? text : null;

    [GeneratedRegex("^[A-Z][A-Z0-9_]{0,63}$")]
    private static partial Regex ConstantFormat();
}

/// <summary>The fields of a HubSpot error body that are safe to store: constants, never the message or context.</summary>
internal sealed record HubSpotError(string? Category, string? PolicyName)
{
    public static readonly HubSpotError None = new(null, null);
}
