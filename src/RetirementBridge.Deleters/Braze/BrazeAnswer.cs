using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Refit;

namespace RetirementBridge.Deleters.Braze;

/// <summary>
/// Turns Braze's answer to one <c>POST /users/delete</c> into the outcome of every learner in it. Braze does not say
/// which ids it found, so one answer is every learner's answer.
/// </summary>
internal static class BrazeAnswer
{
    /// <summary>The longest wait taken from the provider's headers: a later reset is re-asked after this.</summary>
    internal static readonly TimeSpan MaxWait = TimeSpan.FromHours(1);

    /// <summary>
    /// 2xx <c>{"deleted": N}</c> (message absent or "success", no errors): deleted; 202 <c>{"message": "queued"}</c>
    /// (maintenance: received and queued): deleted; any other 2xx body: transient, never success. 429 and 5xx:
    /// transient, waiting as <c>X-RateLimit-Reset</c> / <c>Retry-After</c> say. 401/403: the key is rejected. 404:
    /// Braze's "unknown REST API key" (never "not there"). Other answers: permanent, with Braze's message only when
    /// it cannot name anyone.
    /// </summary>
    public static DeletionOutcome Classify(
        IApiResponse<BrazeDeleteAnswer> response, int idCount, IReadOnlyCollection<string> secrets, DateTimeOffset now)
    {
        if (response.HasRequestError(out var requestError))
        {
            // No answer at all (connection refused, DNS, TLS). Only the exception's type is used, never its message.
            return HttpOutcomes.FromException(requestError.InnerException ?? requestError);
        }

        if (response.StatusCode is not { } status)
            return DeletionOutcome.Transient("no answer");

        var code = (int)status;
        if (code is >= 200 and < 300)
            return Success(response.Content, status, idCount);
        if (HttpOutcomes.IsTransient(status)) // 408, 425, 429, 5xx
            return DeletionOutcome.Transient($"HTTP {code}", Wait(response.Headers, now));
        if (status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            return DeletionOutcome.Permanent($"API key rejected (HTTP {code})");
        if (status == HttpStatusCode.NotFound)
            return DeletionOutcome.Permanent("HTTP 404: Braze does not know the API key, or BaseUrl/Instance is wrong");
        if (code is >= 300 and < 400)
            return DeletionOutcome.Permanent($"HTTP {code}: redirected (check BaseUrl/Instance)");

        var message = SafeMessage((response.Error as ApiException)?.Content, secrets);
        return DeletionOutcome.Permanent(message is null ? $"HTTP {code}" : $"HTTP {code}: {message}");
    }

    private static DeletionOutcome Success(BrazeDeleteAnswer? answer, HttpStatusCode status, int idCount)
    {
        var code = (int)status;
        if (answer is null)
            return DeletionOutcome.Transient($"unreadable answer (HTTP {code})");

        var errors = answer.Errors is { ValueKind: JsonValueKind.Array } list ? list.GetArrayLength()
            : answer.Errors is { ValueKind: not JsonValueKind.Null } ? 1 : 0;
        if (errors > 0)
        {
            // A success with non-fatal errors: Braze does not say which ids they concern, so none is taken as deleted.
            // Deleting again is harmless; a later attempt gets a clean answer or keeps failing visibly.
            return DeletionOutcome.Transient($"Braze reported {errors} error(s) with the deletion (HTTP {code})");
        }

        if (status == HttpStatusCode.Accepted && answer.Deleted is null && IsMessage(answer, "queued"))
            return DeletionOutcome.Deleted($"braze queued {idCount} id(s) during maintenance (HTTP 202)");

        if (answer.Deleted is not { } deleted || deleted < 0 || (answer.Message is not null && !IsMessage(answer, "success")))
            return DeletionOutcome.Transient($"unexpected answer (HTTP {code})");

        return DeletionOutcome.Deleted($"braze deleted {deleted} of {idCount}");
    }

    private static bool IsMessage(BrazeDeleteAnswer answer, string expected) =>
        string.Equals(answer.Message?.Trim(), expected, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// How long to wait: the longest of <c>Retry-After</c>, <c>X-RateLimit-Retry-After</c> (seconds) and the time left
    /// until <c>X-RateLimit-Reset</c> (UTC epoch seconds), at most <see cref="MaxWait"/>; null when none says.
    /// </summary>
    internal static TimeSpan? Wait(HttpResponseHeaders? headers, DateTimeOffset now)
    {
        if (headers is null)
            return null;
        TimeSpan? wait = null;

        void Consider(TimeSpan? candidate)
        {
            if (candidate is { } value && value > TimeSpan.Zero && (wait is null || value > wait))
                wait = value;
        }

        if (headers.RetryAfter is { } retryAfter)
            Consider(retryAfter.Delta ?? (retryAfter.Date is { } date ? date - now : null));
        if (Header(headers, "X-RateLimit-Retry-After") is { } seconds and >= 0 and <= 86_400)
            Consider(TimeSpan.FromSeconds(seconds));
        // Outside the range DateTimeOffset can hold (e.g. milliseconds by mistake) it is ignored, not trusted.
        if (Header(headers, "X-RateLimit-Reset") is { } reset and >= 0 and <= 253_402_300_799)
            Consider(DateTimeOffset.FromUnixTimeSeconds(reset) - now);

        return wait > MaxWait ? MaxWait : wait;
    }

    private static long? Header(HttpResponseHeaders headers, string name) =>
        headers.TryGetValues(name, out var values)
        && long.TryParse(values.FirstOrDefault()?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : null;

    /// <summary>
    /// The error body's <c>message</c> (Braze's are generic, like "The max number of ids per request was exceeded"),
    /// or null when there is none or when it could identify anyone: it is provider text, so it is checked, not trusted.
    /// </summary>
    private static string? SafeMessage(string? content, IReadOnlyCollection<string> secrets)
    {
        if (string.IsNullOrEmpty(content))
            return null;
        string? message;
        try
        {
            using var body = JsonDocument.Parse(content);
            message = body.RootElement.ValueKind == JsonValueKind.Object
                && body.RootElement.TryGetProperty("message", out var value)
                && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
        if (string.IsNullOrWhiteSpace(message) || message.Length > 100 || message.Any(char.IsControl) || message.Contains('@')
            || secrets.Any(secret => !string.IsNullOrEmpty(secret) && message.Contains(secret, StringComparison.OrdinalIgnoreCase)))
            return null;
        return message.Trim();
    }
}
