using System.Net;
using System.Text.Json;
using Refit;

namespace RetirementBridge.Deleters.Mailchimp;

/// <summary>Turns one Mailchimp answer into an outcome, with reasons that name the audience but never the member.</summary>
internal static class MailchimpAnswer
{
    /// <summary>
    /// 2xx deleted; 404 not there; 408/425/429/5xx transient (Retry-After honoured); 401/403 the key is rejected;
    /// any other 4xx permanent with the problem's title. The problem's <c>detail</c> is never read: Mailchimp puts
    /// the email address in it.
    /// </summary>
    public static DeletionOutcome Classify(IApiResponse response, string context, LearnerSecrets secrets)
    {
        if (response.HasRequestError(out var requestError))
        {
            // No answer at all (connection refused, DNS, TLS). The wrapped exception's message holds the URL; only
            // its type is used.
            var failure = HttpOutcomes.FromException(requestError.InnerException ?? requestError);
            return DeletionOutcome.Transient($"{context}: {failure.Reason}");
        }

        if (response.StatusCode is not { } status)
            return DeletionOutcome.Transient($"{context}: no answer");

        var code = (int)status;
        if (code is >= 200 and < 300)
            return DeletionOutcome.Deleted();
        if (status == HttpStatusCode.NotFound)
            return DeletionOutcome.Gone();
        if (HttpOutcomes.IsTransient(status))
            return DeletionOutcome.Transient($"{context}: HTTP {code}", HttpOutcomes.RetryAfterDelay(response.Headers?.RetryAfter));
        if (status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            return DeletionOutcome.Permanent($"API key rejected (HTTP {code})");

        var title = SafeTitle(response.Error as ApiException, secrets);
        return DeletionOutcome.Permanent(title is null ? $"{context}: HTTP {code}" : $"{context}: HTTP {code} {title}");
    }

    /// <summary>
    /// The problem document's <c>title</c> (generic, like "Invalid Resource"), or null when there is none or when it
    /// could identify the learner: a title is provider text, so it is checked rather than trusted.
    /// </summary>
    private static string? SafeTitle(ApiException? error, LearnerSecrets secrets)
    {
        if (string.IsNullOrEmpty(error?.Content))
            return null;
        string? title;
        try
        {
            using var problem = JsonDocument.Parse(error.Content);
            title = problem.RootElement.ValueKind == JsonValueKind.Object
                && problem.RootElement.TryGetProperty("title", out var value)
                && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
        if (string.IsNullOrWhiteSpace(title) || title.Length > 100 || title.Any(char.IsControl) || title.Contains('@')
            || secrets.AppearIn(title))
            return null;
        return title;
    }
}

/// <summary>The values that must never reach an outcome: the learner's email, username and subscriber hash.</summary>
internal sealed record LearnerSecrets(params string[] Values)
{
    public bool AppearIn(string text) =>
        Values.Any(value => !string.IsNullOrEmpty(value) && text.Contains(value, StringComparison.OrdinalIgnoreCase));
}
