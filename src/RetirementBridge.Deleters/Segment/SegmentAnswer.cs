using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Refit;

namespace RetirementBridge.Deleters.Segment;

/// <summary>
/// Turns a Segment Public API answer that is not a 2xx into an outcome. Reasons name the status code and, at most,
/// the error's <c>type</c> (checked, never its <c>message</c>, which is provider text that can quote a subject id).
/// </summary>
internal static partial class SegmentAnswer
{
    /// <summary>Longest wait taken from an answer: a bad header must not pause the deleter for years.</summary>
    private static readonly TimeSpan LongestWait = TimeSpan.FromDays(31);

    /// <summary>
    /// Null for a 2xx (the caller reads the body); otherwise the outcome: no answer, 408/425/429/5xx transient (429
    /// with Segment's wait), 401/403 token rejected, 404 and 3xx permanent with <paramref name="notFound"/> or a
    /// redirect hint (never "gone": a deleter that reads a wrong address as "not there" would silently skip
    /// erasures), any other 4xx permanent. Every outcome carries <paramref name="reference"/>.
    /// </summary>
    public static DeletionOutcome? Failure(
        IApiResponse response, string context, string notFound, LearnerIdentities identities, TimeProvider clock,
        CancellationToken cancellationToken, string? reference = null)
    {
        if (response.HasRequestError(out var requestError))
        {
            // Cancelled by the host or the attempt's timeout: let the pipeline see the cancellation itself.
            cancellationToken.ThrowIfCancellationRequested();
            // The wrapped exception's message holds the URL; only its type is used.
            var failure = HttpOutcomes.FromException(requestError.InnerException ?? requestError);
            return DeletionOutcome.Transient($"{context}: {failure.Reason}", providerReference: reference);
        }

        if (response.StatusCode is not { } status)
            return DeletionOutcome.Transient($"{context}: no answer", providerReference: reference);

        var code = (int)status;
        if (code is >= 200 and < 300)
            return null;
        if (status == HttpStatusCode.TooManyRequests)
            return DeletionOutcome.Transient($"{context}: HTTP 429", RateLimitWait(response, clock), reference);
        if (HttpOutcomes.IsTransient(status))
            return DeletionOutcome.Transient($"{context}: HTTP {code}", HttpOutcomes.RetryAfterDelay(response.Headers?.RetryAfter, clock), reference);
        if (status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            return DeletionOutcome.Permanent($"{context}: token rejected (HTTP {code})", reference);
        if (status == HttpStatusCode.NotFound)
            return DeletionOutcome.Permanent($"{context}: HTTP 404 ({notFound})", reference);
        if (code is >= 300 and < 400)
            return DeletionOutcome.Permanent($"{context}: HTTP {code} (redirects are not followed: check BaseUrl)", reference);

        var type = SafeErrorType(response.Error as ApiException, identities);
        return DeletionOutcome.Permanent(type is null ? $"{context}: HTTP {code}" : $"{context}: HTTP {code} {type}", reference);
    }

    /// <summary>
    /// How long Segment asks to wait after a 429: the longest of <c>Retry-After</c>, the body's
    /// <c>errors[].data.msBeforeNext</c>, <c>X-RateLimit-Reset</c> (an RFC 5322 date) and, when the regulation quota
    /// is spent (<c>X-Regulation-RateLimit-Remaining: 0</c>), <c>X-Regulation-RateLimit-Quota-Reset</c> (ISO 8601).
    /// Null when the answer says nothing usable.
    /// </summary>
    public static TimeSpan? RateLimitWait(IApiResponse response, TimeProvider clock)
    {
        var waits = new List<TimeSpan>();
        if (HttpOutcomes.RetryAfterDelay(response.Headers?.RetryAfter, clock) is { } retryAfter)
            waits.Add(retryAfter);
        if (MsBeforeNext((response.Error as ApiException)?.Content) is { } msBeforeNext)
            waits.Add(msBeforeNext);
        if (Until(Header(response, "X-RateLimit-Reset"), clock) is { } windowReset)
            waits.Add(windowReset);
        if (Header(response, "X-Regulation-RateLimit-Remaining")?.Trim() == "0"
            && Until(Header(response, "X-Regulation-RateLimit-Quota-Reset"), clock) is { } quotaReset)
            waits.Add(quotaReset);
        return waits.Count == 0 ? null : Min(waits.Max(), LongestWait);
    }

    /// <summary>
    /// <c>msBeforeNext</c> from Segment's rate-limit error (<c>{"errors":[{"data":{"msBeforeNext":57647}}]}</c>), also
    /// accepted under a top-level <c>data</c> or at the top level; null when absent, not positive, or unreadable.
    /// </summary>
    internal static TimeSpan? MsBeforeNext(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
            return null;
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                return null;
            var candidates = new List<JsonElement> { root };
            if (root.TryGetProperty("data", out var data))
                candidates.Add(data);
            if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array)
            {
                foreach (var error in errors.EnumerateArray())
                {
                    candidates.Add(error);
                    if (error.ValueKind == JsonValueKind.Object && error.TryGetProperty("data", out var errorData))
                        candidates.Add(errorData);
                }
            }
            foreach (var candidate in candidates)
            {
                if (candidate.ValueKind == JsonValueKind.Object
                    && candidate.TryGetProperty("msBeforeNext", out var value)
                    && value.ValueKind == JsonValueKind.Number
                    && value.TryGetDouble(out var ms)
                    && double.IsFinite(ms) && ms > 0)
                    return Min(TimeSpan.FromMilliseconds(Math.Min(ms, LongestWait.TotalMilliseconds)), LongestWait);
            }
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// The first error's <c>type</c> (e.g. "ValidationError"), or null when there is none or when it looks like
    /// anything but a short code word, or names a learner of the call.
    /// </summary>
    private static string? SafeErrorType(ApiException? error, LearnerIdentities identities)
    {
        if (string.IsNullOrEmpty(error?.Content))
            return null;
        string? type;
        try
        {
            using var document = JsonDocument.Parse(error.Content);
            var root = document.RootElement;
            type = root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array
                && errors.GetArrayLength() > 0 && errors[0].ValueKind == JsonValueKind.Object
                && errors[0].TryGetProperty("type", out var value) && value.ValueKind == JsonValueKind.String
                    ? value.GetString()
                    : null;
        }
        catch (JsonException)
        {
            return null;
        }
        return type is not null && ErrorTypeFormat().IsMatch(type) && !identities.AppearIn(type) ? type : null;
    }

    private static string? Header(IApiResponse response, string name) =>
        response.Headers is { } headers && headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    /// <summary>The time from now until <paramref name="timestamp"/> (RFC 5322 or ISO 8601); null when unreadable or past.</summary>
    private static TimeSpan? Until(string? timestamp, TimeProvider clock)
    {
        if (string.IsNullOrWhiteSpace(timestamp)
            || !DateTimeOffset.TryParse(timestamp.Trim(), CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at))
            return null;
        var wait = at - clock.GetUtcNow();
        return wait > TimeSpan.Zero ? Min(wait, LongestWait) : null;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_.-]{0,49}$")]
    private static partial Regex ErrorTypeFormat();
}

/// <summary>The emails and usernames of a call's learners: text naming any of them never reaches an outcome.</summary>
internal sealed class LearnerIdentities(IEnumerable<ErasureItem> items)
{
    private readonly string[] _values = items
        .SelectMany(item => new[] { item.Learner.Email, item.Learner.Username })
        .Where(value => !string.IsNullOrWhiteSpace(value))
        .Distinct(StringComparer.OrdinalIgnoreCase)
        .ToArray();

    public bool AppearIn(string text) => _values.Any(value => text.Contains(value, StringComparison.OrdinalIgnoreCase));
}
