using System.Globalization;
using System.Net;
using System.Text.Json;
using Refit;

namespace RetirementBridge.Deleters.SendGrid;

/// <summary>
/// Turns a SendGrid answer that is not the step's own into an outcome. Reasons name the step and the status code only:
/// SendGrid's error <c>message</c>s are provider text that can quote a searched address, so they are never read.
/// </summary>
internal static class SendGridAnswer
{
    /// <summary>Longest wait taken from an answer: a bad header must not pause the deleter for months.</summary>
    internal static readonly TimeSpan LongestWait = TimeSpan.FromDays(1);

    /// <summary>
    /// Epoch seconds below this (2001-09-09) cannot be SendGrid's <c>X-RateLimit-Reset</c>, a Unix time: such a value
    /// is read as a number of seconds to wait, as some proxies send it.
    /// </summary>
    private const long SmallestEpoch = 1_000_000_000;

    /// <summary>
    /// The outcome of an answer other than the step's success (and, where the step has one, its not-found answer): no
    /// answer at all, 429 (waiting until <c>X-RateLimit-Reset</c>), 408/425/5xx, 401/403 (the key), 3xx (never
    /// followed), 404 (permanent with <paramref name="notFound"/>: never "gone", a wrong address must not read as
    /// "nobody there"), an unexpected 2xx (an unreadable body: never success), any other 4xx permanent.
    /// </summary>
    public static DeletionOutcome Failure(
        IApiResponse response, string step, string notFound, TimeProvider clock, CancellationToken cancellationToken, string? reference = null)
    {
        if (response.HasRequestError(out var requestError))
        {
            // Cancelled by the host or the attempt's timeout: let the pipeline see the cancellation itself.
            cancellationToken.ThrowIfCancellationRequested();
            // The wrapped exception's message holds the URL; only its type is used.
            var failure = HttpOutcomes.FromException(requestError.InnerException ?? requestError);
            return DeletionOutcome.Transient($"{step}: {failure.Reason}", providerReference: reference);
        }

        if (response.StatusCode is not { } status)
            return DeletionOutcome.Transient($"{step}: no answer", providerReference: reference);

        var code = (int)status;
        if (status == HttpStatusCode.TooManyRequests)
            return DeletionOutcome.Transient($"{step}: HTTP 429", RateLimitWait(response, clock), reference);
        if (HttpOutcomes.IsTransient(status))
            return DeletionOutcome.Transient($"{step}: HTTP {code}", HttpOutcomes.RetryAfterDelay(response.Headers?.RetryAfter, clock), reference);
        if (code is >= 200 and < 300)
            return DeletionOutcome.Transient($"{step}: unexpected answer (HTTP {code})", providerReference: reference);
        if (status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            return DeletionOutcome.Permanent($"{step}: API key rejected (HTTP {code}; it needs Marketing contacts access)", reference);
        if (status == HttpStatusCode.NotFound)
            return DeletionOutcome.Permanent($"{step}: HTTP 404 ({notFound})", reference);
        if (code is >= 300 and < 400)
            return DeletionOutcome.Permanent($"{step}: HTTP {code} (redirects are not followed: check BaseUrl and Region)", reference);
        return DeletionOutcome.Permanent($"{step}: HTTP {code}", reference);
    }

    /// <summary>
    /// How long SendGrid asks to wait after a 429: until <c>X-RateLimit-Reset</c> (a Unix time in seconds), or
    /// <c>Retry-After</c>, whichever is later; null when the answer says nothing usable.
    /// </summary>
    public static TimeSpan? RateLimitWait(IApiResponse response, TimeProvider clock)
    {
        var untilReset = UntilReset(Header(response, "X-RateLimit-Reset"), clock);
        var retryAfter = HttpOutcomes.RetryAfterDelay(response.Headers?.RetryAfter, clock);
        TimeSpan? wait = (untilReset, retryAfter) switch
        {
            ({ } a, { } b) => a > b ? a : b,
            ({ } a, null) => a,
            (null, { } b) => b,
            _ => null,
        };
        return wait is { } w && w > LongestWait ? LongestWait : wait;
    }

    private static TimeSpan? UntilReset(string? reset, TimeProvider clock)
    {
        if (string.IsNullOrWhiteSpace(reset)
            || !long.TryParse(reset.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            || value <= 0)
            return null;
        if (value < SmallestEpoch)
            return TimeSpan.FromSeconds(Math.Min(value, LongestWait.TotalSeconds));
        // Whole seconds: round the wait up so that the deleter never comes back a fraction of a second early.
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var waitMs = value * 1000 - now;
        if (waitMs <= 0)
            return null;
        return TimeSpan.FromMilliseconds(Math.Min(waitMs, LongestWait.TotalMilliseconds));
    }

    /// <summary>
    /// True for SendGrid's own error body, <c>{"errors":[...]}</c> (its <c>ErrorResponse</c>): what tells SendGrid's 404
    /// from a proxy's or a wrong BaseUrl's page. Only the shape is checked; the messages are never read.
    /// </summary>
    public static bool IsSendGridErrorBody(IApiResponse response)
    {
        if (response.Error is not ApiException { Content: { Length: > 0 } content })
            return false;
        try
        {
            using var body = JsonDocument.Parse(content);
            return body.RootElement.ValueKind == JsonValueKind.Object
                && body.RootElement.TryGetProperty("errors", out var errors)
                && errors.ValueKind == JsonValueKind.Array;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>True when the call got an HTTP answer with this status (not a transport failure).</summary>
    public static bool Is(IApiResponse response, HttpStatusCode status) =>
        !response.HasRequestError(out _) && response.StatusCode == status;

    private static string? Header(IApiResponse response, string name) =>
        response.Headers is { } headers && headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
