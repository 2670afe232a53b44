using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using Refit;

namespace RetirementBridge.Deleters.Brevo;

/// <summary>
/// Turns a Brevo answer other than its 204 or its "no such contact" 404 into an outcome. Brevo's error body is
/// <c>{"code":…,"message":…}</c>: only <c>code</c> is read, and only when it is one of Brevo's lower-case constants
/// (<c>invalid_parameter</c>, <c>unauthorized</c>, …); <c>message</c> is never read, since it can quote the address.
/// </summary>
internal static partial class BrevoAnswer
{
    /// <summary>Brevo's error code for an object it does not have: for this call, no contact with that address.</summary>
    public const string DocumentNotFound = "document_not_found";

    /// <summary>Brevo's documented rate-limit headers (sent on every rate-limited endpoint; there is no Retry-After).</summary>
    public const string ResetHeader = "x-sib-ratelimit-reset";
    public const string LimitHeader = "x-sib-ratelimit-limit";
    public const string RemainingHeader = "x-sib-ratelimit-remaining";

    /// <summary>
    /// The longest wait taken from <c>x-sib-ratelimit-reset</c>. Brevo's windows are a second and an hour, so a larger
    /// value is not a number of seconds Brevo meant (a Unix time, a misbehaving proxy): waiting an hour and asking
    /// again costs one request, where trusting it could pause the deleter for years.
    /// </summary>
    public static readonly TimeSpan LongestWait = TimeSpan.FromHours(1);

    /// <summary>The shortest wait after a 429 that says when its window resets (a reset of 0 means "now").</summary>
    public static readonly TimeSpan ShortestWait = TimeSpan.FromSeconds(1);

    /// <summary>True for Brevo's own answer that it has no such contact: 404 whose JSON body has code document_not_found.</summary>
    public static bool IsDocumentNotFound(IApiResponse response) =>
        !response.HasRequestError(out _) && response.StatusCode == HttpStatusCode.NotFound && CodeOf(response) == DocumentNotFound;

    /// <summary>
    /// The outcome of any answer but 204 and Brevo's document_not_found 404: no answer or a failed connection, 429
    /// (waiting what <c>x-sib-ratelimit-reset</c> says), 401/403 (the key), 408/425/5xx, another 2xx (not Brevo's
    /// answer to a deletion: never success), a 404 without Brevo's code (a proxy's page, a wrong BaseUrl: never
    /// gone), or any other status (permanent, with Brevo's error code when it is a constant).
    /// </summary>
    /// <param name="form">Which form of the address was asked about, for the operator ("as typed"); null for the first.</param>
    /// <param name="learner">Whose deletion it was: a code that names them is left out, whatever its shape.</param>
    public static DeletionOutcome Failure(IApiResponse response, string? form, RetiredLearner learner, TimeProvider clock)
    {
        var prefix = form is null ? "" : $"{form}: ";
        if (response.HasRequestError(out var requestError))
        {
            // No answer at all. The wrapped exception's message holds the URL (and so the email): only its type is used.
            var failure = HttpOutcomes.FromException(requestError.InnerException ?? requestError);
            return DeletionOutcome.Transient(prefix + failure.Reason);
        }

        if (response.StatusCode is not { } status)
            return DeletionOutcome.Transient(prefix + "no answer");

        var code = (int)status;
        if (status == HttpStatusCode.TooManyRequests)
            return RateLimited(prefix, response.Headers, clock);
        var brevoCode = CodeOf(response) is { } constant && !Names(constant, learner) ? constant : null;
        if (status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            return DeletionOutcome.Permanent(
                $"{prefix}API key rejected (HTTP {code}{(brevoCode is null ? "" : " " + brevoCode)}): check ApiKey and the account's authorised IPs");
        if (HttpOutcomes.IsTransient(status))
            return DeletionOutcome.Transient($"{prefix}HTTP {code}", HttpOutcomes.RetryAfterDelay(response.Headers?.RetryAfter, clock));
        if (code is >= 200 and < 300)
            // Brevo answers a deletion with 204. A maintenance page or a proxy's 200 is no proof; the next attempt
            // asks again (and a contact deleted meanwhile then answers document_not_found).
            return DeletionOutcome.Transient($"{prefix}unexpected answer (HTTP {code})");
        if (status == HttpStatusCode.NotFound)
            return DeletionOutcome.Permanent($"{prefix}HTTP 404 without Brevo's {DocumentNotFound} (check BaseUrl)");
        return DeletionOutcome.Permanent(brevoCode is null ? $"{prefix}HTTP {code}" : $"{prefix}HTTP {code} {brevoCode}");
    }

    private static DeletionOutcome RateLimited(string prefix, HttpResponseHeaders? headers, TimeProvider clock)
    {
        var wait = ResetWait(headers) ?? HttpOutcomes.RetryAfterDelay(headers?.RetryAfter, clock);
        var limit = Count(headers, LimitHeader);
        var remaining = Count(headers, RemainingHeader);
        var reason = limit is null
            ? $"{prefix}HTTP 429"
            : $"{prefix}HTTP 429 (limit {limit} per window{(remaining is null ? "" : $", {remaining} left")})";
        return DeletionOutcome.Transient(reason, wait);
    }

    /// <summary>
    /// <c>x-sib-ratelimit-reset</c>: the time until the window resets, in seconds (Brevo: "typically seconds"),
    /// between <see cref="ShortestWait"/> and <see cref="LongestWait"/>; null when absent or not a number.
    /// </summary>
    internal static TimeSpan? ResetWait(HttpResponseHeaders? headers)
    {
        if (headers is null || !headers.TryGetValues(ResetHeader, out var values))
            return null;
        if (!double.TryParse(values.FirstOrDefault(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds)
            || double.IsNaN(seconds) || double.IsInfinity(seconds))
            return null;
        if (seconds >= LongestWait.TotalSeconds)
            return LongestWait;
        var wait = TimeSpan.FromSeconds(seconds);
        return wait < ShortestWait ? ShortestWait : wait;
    }

    /// <summary>A whole, non-negative count from a header, for the reason; null when absent or anything else.</summary>
    private static int? Count(HttpResponseHeaders? headers, string name) =>
        headers is not null && headers.TryGetValues(name, out var values)
        && int.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var count) ? count : null;

    /// <summary>True when <paramref name="text"/> holds the learner's username or email (a hostile or broken answer).</summary>
    private static bool Names(string text, RetiredLearner learner) =>
        (!string.IsNullOrEmpty(learner.Username) && text.Contains(learner.Username, StringComparison.OrdinalIgnoreCase))
        || (!string.IsNullOrEmpty(learner.Email) && text.Contains(learner.Email.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>Brevo's error code, when the body is Brevo's JSON and the code is one of its constants; else null.</summary>
    internal static string? CodeOf(IApiResponse response)
    {
        if (response.Error is not ApiException { Content: { Length: > 0 } content })
            return null;
        try
        {
            var error = JsonSerializer.Deserialize(content, BrevoJsonContext.Default.BrevoError);
            return error?.Code is { } code && CodeFormat().IsMatch(code) ? code : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Brevo's codes are lower-case constants (<c>document_not_found</c>); anything else is provider text that
    /// could hold the learner's address, and is dropped.</summary>
    [GeneratedRegex("^[a-z][a-z0-9_]{0,63}$")]
    private static partial Regex CodeFormat();
}
