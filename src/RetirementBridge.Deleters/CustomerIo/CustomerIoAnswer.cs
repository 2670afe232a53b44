using System.Net;
using System.Text.Json;
using Refit;

namespace RetirementBridge.Deleters.CustomerIo;

/// <summary>
/// Turns one Track API answer into an outcome, with reasons that name the step but never the person. Customer.io's
/// error bodies are never read: they can quote the identifier, which may be the email address.
/// </summary>
internal static class CustomerIoAnswer
{
    public const string CredentialsRejected = "site id or API key rejected";

    /// <summary>
    /// How long to wait after a 429 without Retry-After. Customer.io describes its Track API's limit as a soft limit
    /// over a few seconds (3,000 requests per 3 seconds in its current API pages, 100 a second in the Track API
    /// reference); after 3 s the requests that filled the window have left it.
    /// </summary>
    public static readonly TimeSpan RateLimitedWait = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Customer.io's documented success: 200 with a JSON object ("a successful request returns an empty object
    /// response", <c>{}</c>). Another 2xx, or a 200 with another body, is not Customer.io's answer.
    /// </summary>
    public static bool IsSuccess(IApiResponse<JsonElement> response) =>
        !response.HasRequestError(out _)
        && response.StatusCode == HttpStatusCode.OK
        && response.Error is null
        && response.Content.ValueKind == JsonValueKind.Object;

    /// <summary>A 2xx, whatever its body.</summary>
    public static bool IsSuccessStatus(IApiResponse response) =>
        !response.HasRequestError(out _) && response.StatusCode is { } status && (int)status is >= 200 and < 300;

    /// <summary>A 404 (Customer.io's or anyone's: the caller confirms which).</summary>
    public static bool IsNotFound(IApiResponse response) =>
        !response.HasRequestError(out _) && response.StatusCode == HttpStatusCode.NotFound;

    /// <summary>
    /// The answer of <c>GET /api/v1/accounts/region</c> as Customer.io documents it: 200 with a JSON object whose
    /// <c>region</c> is a string (<c>{"url":…,"region":"us","environment_id":3}</c>).
    /// </summary>
    public static bool IsRegionAnswer(IApiResponse<JsonElement> response) =>
        IsSuccess(response)
        && response.Content.TryGetProperty("region", out var region)
        && region.ValueKind == JsonValueKind.String
        && !string.IsNullOrEmpty(region.GetString());

    /// <summary>
    /// The outcome of any answer other than the step's success (and a confirmed 404): no answer or a connection
    /// failure, 429 (Retry-After, else <see cref="RateLimitedWait"/>), 408/425/5xx (transient), an unexpected 2xx (an
    /// unreadable body: never success), 401/403 (the credentials), a redirect (an EU workspace asked at the US
    /// address), a 404/410 no one confirmed (a wrong BaseUrl), or any other status (permanent).
    /// </summary>
    public static DeletionOutcome Failure(IApiResponse response, string step, TimeProvider clock)
    {
        if (response.HasRequestError(out var requestError))
        {
            // No answer at all. The wrapped exception's message holds the URL (and so perhaps the email): only its type is used.
            var failure = HttpOutcomes.FromException(requestError.InnerException ?? requestError);
            return DeletionOutcome.Transient($"{step}: {failure.Reason}");
        }

        if (response.StatusCode is not { } status)
            return DeletionOutcome.Transient($"{step}: no answer");

        var code = (int)status;
        var retryAfter = HttpOutcomes.RetryAfterDelay(response.Headers?.RetryAfter, clock);
        if (status == HttpStatusCode.TooManyRequests)
            return DeletionOutcome.Transient($"{step}: HTTP 429", retryAfter ?? RateLimitedWait);
        if (HttpOutcomes.IsTransient(status))
            return DeletionOutcome.Transient($"{step}: HTTP {code}", retryAfter);
        if (code is >= 200 and < 300)
            // A maintenance page, a proxy's answer, an empty body: not Customer.io's {}. Retried; deleting again is harmless.
            return DeletionOutcome.Transient($"{step}: unexpected answer (HTTP {code})");
        if (status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            return DeletionOutcome.Permanent($"{step}: HTTP {code}, {CredentialsRejected}");
        if (code is >= 300 and < 400)
            return DeletionOutcome.Permanent(
                $"{step}: HTTP {code}, redirected (check Region: Customer.io redirects an EU workspace's requests sent to the US address)");
        if (status is HttpStatusCode.NotFound or HttpStatusCode.Gone)
            return DeletionOutcome.Permanent($"{step}: HTTP {code}, not confirmed as Customer.io's Track API (check BaseUrl and Region)");
        return DeletionOutcome.Permanent($"{step}: HTTP {code}");
    }
}
