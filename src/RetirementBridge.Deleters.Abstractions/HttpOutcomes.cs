using System.Net;
using System.Net.Http.Headers;

namespace RetirementBridge.Deleters;

/// <summary>
/// The usual mapping from an HTTP answer to an outcome, for deleters whose provider follows HTTP conventions.
/// A deleter whose provider says "gone" or "slow down" differently maps those cases first and falls back to this.
/// </summary>
public static class HttpOutcomes
{
    /// <summary>2xx deleted; 404 and 410 gone; 408, 425, 429 and 5xx transient (honouring Retry-After); other 4xx permanent.</summary>
    public static DeletionOutcome FromStatus(HttpStatusCode status, RetryConditionHeaderValue? retryAfter = null, string? providerReference = null)
    {
        var code = (int)status;
        if (code is >= 200 and < 300)
            return DeletionOutcome.Deleted(providerReference);
        if (status is HttpStatusCode.NotFound or HttpStatusCode.Gone)
            return DeletionOutcome.Gone(providerReference);
        if (IsTransient(status))
            return DeletionOutcome.Transient($"HTTP {code}", RetryAfterDelay(retryAfter), providerReference);
        return DeletionOutcome.Permanent($"HTTP {code}", providerReference);
    }

    public static DeletionOutcome FromResponse(HttpResponseMessage response, string? providerReference = null) =>
        FromStatus(response.StatusCode, response.Headers.RetryAfter, providerReference);

    public static bool IsTransient(HttpStatusCode status) =>
        (int)status >= 500 || status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests or (HttpStatusCode)425;

    /// <summary>Reads a Retry-After header given either as seconds or as an HTTP date; null when absent or in the past.</summary>
    public static TimeSpan? RetryAfterDelay(RetryConditionHeaderValue? retryAfter, TimeProvider? clock = null)
    {
        if (retryAfter is null)
            return null;
        if (retryAfter.Delta is { } delta)
            return delta > TimeSpan.Zero ? delta : null;
        if (retryAfter.Date is { } date)
        {
            var wait = date - (clock ?? TimeProvider.System).GetUtcNow();
            return wait > TimeSpan.Zero ? wait : null;
        }
        return null;
    }

    /// <summary>
    /// Classifies a failure to get any answer (connection refused, DNS, TLS, timeout). These are always transient;
    /// the reason names only the exception type, because some exception messages carry the request URL, and
    /// some providers put the email address in the URL.
    /// </summary>
    public static DeletionOutcome FromException(Exception exception) => exception switch
    {
        HttpRequestException { StatusCode: { } status } => FromStatus(status),
        HttpRequestException http => DeletionOutcome.Transient($"connection failed ({http.HttpRequestError})"),
        TaskCanceledException or TimeoutException => DeletionOutcome.Transient("timed out"),
        _ => DeletionOutcome.Transient($"unexpected {exception.GetType().Name}"),
    };
}
