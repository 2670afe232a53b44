using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Refit;

namespace RetirementBridge.Deleters.Klaviyo;

/// <summary>
/// Turns Klaviyo's answer to one deletion request into an outcome. Klaviyo's JSON:API errors are read for their
/// <c>code</c> only (a constant like <c>throttled</c>), never <c>detail</c>, which can echo the email.
/// </summary>
internal static partial class KlaviyoAnswer
{
    /// <summary>
    /// How long to wait after a 429 without Retry-After (Klaviyo documents sending one): the steady limit counts a
    /// fixed one-minute window, so after a minute both of Klaviyo's windows have started afresh.
    /// </summary>
    public static readonly TimeSpan SteadyWindow = TimeSpan.FromMinutes(1);

    public const string KeyRejected = "API key rejected (check that it is a private key with the data-privacy:write scope)";

    /// <summary>
    /// Null when Klaviyo accepted the request (202, its only documented success); otherwise the outcome that ends
    /// the attempt: no answer, 429 and 408/425/5xx transient (Retry-After honoured); another 2xx transient (never
    /// success: a proxy's or a maintenance page's 200 is not Klaviyo's 202); 3xx, 401/403, 404 and any other 4xx
    /// permanent. A 404 is never "not there": Klaviyo documents none for this endpoint, so it means a wrong BaseUrl or
    /// Revision, and reading it as gone would skip the erasure silently.
    /// </summary>
    public static DeletionOutcome? Failure(IApiResponse response, IReadOnlyCollection<string> secrets, TimeProvider clock)
    {
        if (response.HasRequestError(out var requestError))
        {
            // No answer at all. The wrapped exception's message can hold the URL: only its type is used.
            return DeletionOutcome.Transient(HttpOutcomes.FromException(requestError.InnerException ?? requestError).Reason!);
        }

        if (response.StatusCode is not { } status)
            return DeletionOutcome.Transient("no answer");

        var code = (int)status;
        if (status == HttpStatusCode.Accepted)
            return null;
        if (code is >= 200 and < 300)
            return DeletionOutcome.Transient($"unexpected answer (HTTP {code}, not 202)");

        var http = ErrorCode(response, secrets) is { } error ? $"HTTP {code} {error}" : $"HTTP {code}";
        if (status == HttpStatusCode.TooManyRequests)
            return DeletionOutcome.Transient(http, HttpOutcomes.RetryAfterDelay(response.Headers?.RetryAfter, clock) ?? SteadyWindow);
        if (HttpOutcomes.IsTransient(status))
            return DeletionOutcome.Transient(http, HttpOutcomes.RetryAfterDelay(response.Headers?.RetryAfter, clock));
        if (code is >= 300 and < 400)
            return DeletionOutcome.Permanent($"HTTP {code}: redirected (check BaseUrl)");
        if (status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            return DeletionOutcome.Permanent($"{http}: {KeyRejected}");
        if (status == HttpStatusCode.NotFound)
            return DeletionOutcome.Permanent($"{http}: not an answer Klaviyo gives to a deletion request (check BaseUrl and Revision)");
        return DeletionOutcome.Permanent(http);
    }

    /// <summary>
    /// The first error's <c>code</c> when it is one of Klaviyo's lower-case constants (<c>invalid</c>,
    /// <c>not_authenticated</c>, <c>throttled</c>); null when there is none, or when it could be anything else.
    /// </summary>
    internal static string? ErrorCode(IApiResponse response, IReadOnlyCollection<string> secrets)
    {
        if (response.Error is not ApiException { Content: { Length: > 0 } content })
            return null;
        KlaviyoErrorDocument? document;
        try
        {
            document = JsonSerializer.Deserialize(content, KlaviyoJsonContext.Default.KlaviyoErrorDocument);
        }
        catch (JsonException)
        {
            return null;
        }
        var code = document?.Errors?.FirstOrDefault()?.Code;
        if (code is null || !ConstantFormat().IsMatch(code)
            || secrets.Any(secret => !string.IsNullOrEmpty(secret) && code.Contains(secret, StringComparison.OrdinalIgnoreCase)))
            return null;
        return code;
    }

    [GeneratedRegex("^[a-z][a-z0-9_]{0,63}$")]
    private static partial Regex ConstantFormat();
}
