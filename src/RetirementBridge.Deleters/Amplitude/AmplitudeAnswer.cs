using System.Net;
using Refit;

namespace RetirementBridge.Deleters.Amplitude;

/// <summary>Turns an Amplitude answer that is not a 2xx into an outcome. Amplitude's error text is never read.</summary>
internal static class AmplitudeAnswer
{
    /// <summary>
    /// Null for a 2xx (the caller reads the body). No answer at all, 408/425/429 and 5xx are transient (Retry-After
    /// honoured); 401/403 the keys are rejected; 404/410 permanent, never "gone": the endpoint always exists and
    /// says nothing about a user, so a 404 means a wrong Region, BaseUrl or proxy; any other status permanent.
    /// </summary>
    public static DeletionOutcome? Failure(IApiResponse response, string context)
    {
        if (response.HasRequestError(out var requestError))
        {
            // The wrapped exception's message can hold the URL; only its type is used.
            var failure = HttpOutcomes.FromException(requestError.InnerException ?? requestError);
            return DeletionOutcome.Transient($"{context}: {failure.Reason}");
        }

        if (response.StatusCode is not { } status)
            return DeletionOutcome.Transient($"{context}: no answer");

        var code = (int)status;
        if (code is >= 200 and < 300)
            return null;
        if (HttpOutcomes.IsTransient(status))
            return DeletionOutcome.Transient($"{context}: HTTP {code}", HttpOutcomes.RetryAfterDelay(response.Headers?.RetryAfter));
        if (status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            return DeletionOutcome.Permanent($"API key or secret key rejected (HTTP {code})");
        if (status is HttpStatusCode.NotFound or HttpStatusCode.Gone)
            return DeletionOutcome.Permanent($"{context}: HTTP {code} (check Region and BaseUrl)");
        return DeletionOutcome.Permanent($"{context}: HTTP {code}");
    }
}
