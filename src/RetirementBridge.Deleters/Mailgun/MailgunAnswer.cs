using System.Globalization;
using System.Net;
using System.Text.Json;
using Refit;

namespace RetirementBridge.Deleters.Mailgun;

/// <summary>
/// Reads Mailgun's answers. Mailgun's bodies are read for their shape only (is there a <c>message</c>, an
/// <c>items</c> array) and for the number in a 429's <c>retry-seconds</c>, never for their text: Mailgun's
/// messages and its <c>member</c>/<c>address</c> fields can hold the learner's address.
/// </summary>
internal static class MailgunAnswer
{
    /// <summary>
    /// True for Mailgun's own 404: one with a JSON body holding <c>message</c>. Mailgun documents that a 404 without
    /// JSON is "usually a sign that there was a mistake in the API request, such as a non-existing endpoint" (a wrong
    /// BaseUrl, a proxy's page): that one must never read as "not there".
    /// </summary>
    public static bool IsNotFound(IApiResponse response) =>
        !response.HasRequestError(out _) && response.StatusCode == HttpStatusCode.NotFound
        && ErrorBody(response) is { } body && body.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String;

    /// <summary>
    /// The outcome of any answer other than the step's own success or Mailgun's 404: no answer, 429 (waiting as long
    /// as Mailgun says), 401/403 (the key), 408/425/5xx, an unexpected 2xx (an unreadable body: never success), a 404
    /// without Mailgun's JSON, or any other status (permanent).
    /// </summary>
    public static DeletionOutcome Failure(IApiResponse response, string context, TimeProvider clock)
    {
        if (response.HasRequestError(out var requestError))
        {
            // No answer at all. The wrapped exception's message holds the URL (and so the email): only its type is used.
            var failure = HttpOutcomes.FromException(requestError.InnerException ?? requestError);
            return DeletionOutcome.Transient($"{context}: {failure.Reason}");
        }

        if (response.StatusCode is not { } status)
            return DeletionOutcome.Transient($"{context}: no answer");

        var code = (int)status;
        if (status == HttpStatusCode.TooManyRequests)
            return DeletionOutcome.Transient($"{context}: HTTP 429",
                HttpOutcomes.RetryAfterDelay(response.Headers?.RetryAfter, clock) ?? RetrySeconds(response));
        if (status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            return DeletionOutcome.Permanent($"{context}: HTTP {code}, API key rejected (check ApiKey and its permissions)");
        if (HttpOutcomes.IsTransient(status))
            return DeletionOutcome.Transient($"{context}: HTTP {code}", HttpOutcomes.RetryAfterDelay(response.Headers?.RetryAfter, clock));
        if (code is >= 200 and < 300)
            // A maintenance page, a proxy's "{}", a body without Mailgun's fields: retried, never taken for an erasure.
            return DeletionOutcome.Transient($"{context}: unexpected answer (HTTP {code})");
        if (status == HttpStatusCode.NotFound)
            return DeletionOutcome.Permanent($"{context}: HTTP 404 without Mailgun's JSON answer (check BaseUrl)");
        return DeletionOutcome.Permanent($"{context}: HTTP {code}");
    }

    /// <summary>
    /// The wait in a 429's body, <c>{"retry-seconds": 60}</c> (how Mailgun documents its rate-limit answer), when
    /// there is no Retry-After header; null when absent or not a positive number.
    /// </summary>
    private static TimeSpan? RetrySeconds(IApiResponse response)
    {
        if (ErrorBody(response) is not { } body || !body.TryGetProperty("retry-seconds", out var value))
            return null;
        double seconds;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number))
            seconds = number;
        else if (value.ValueKind != JsonValueKind.String
                 || !double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out seconds))
            return null;
        // A day at most: a larger number is not a wait anyone meant, and the bridge pauses the whole deleter for it.
        return seconds is > 0 and <= 86_400 ? TimeSpan.FromSeconds(seconds) : null;
    }

    /// <summary>An error answer's body as a JSON object, or null. Read for shape and numbers only.</summary>
    private static JsonElement? ErrorBody(IApiResponse response)
    {
        if (response.Error is not ApiException { Content: { Length: > 0 } content })
            return null;
        try
        {
            using var document = JsonDocument.Parse(content, new JsonDocumentOptions { AllowTrailingCommas = true });
            return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
