using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Refit;

namespace RetirementBridge.Deleters.Salesforce;

/// <summary>
/// Turns Salesforce answers the deleter did not expect into outcomes. Error bodies are read for their constant codes
/// only (<c>errorCode</c> of the REST API, <c>error</c> of the token endpoint, <c>statusCode</c> of a DeleteResult),
/// never for <c>message</c> or <c>error_description</c>: those are provider text that can quote a record.
/// </summary>
internal static partial class SalesforceAnswer
{
    /// <summary>The org's rolling 24-hour API allocation is used up (403), or too many long requests run at once.</summary>
    public const string RequestLimitExceeded = "REQUEST_LIMIT_EXCEEDED";

    /// <summary>A DeleteResult for a record already deleted (in the Recycle Bin, or gone for good).</summary>
    public const string EntityIsDeleted = "ENTITY_IS_DELETED";

    /// <summary>A DeleteResult for a record another transaction holds locked: worth trying again.</summary>
    public const string UnableToLockRow = "UNABLE_TO_LOCK_ROW";

    /// <summary>The REST API's code for a refused access token.</summary>
    public const string InvalidSessionId = "INVALID_SESSION_ID";

    /// <summary>
    /// How long to wait after REQUEST_LIMIT_EXCEEDED, which says neither when the allocation frees up nor Retry-After:
    /// the allocation is counted over a rolling 24 hours, so asking again an hour later costs at most 24 requests a day.
    /// </summary>
    public static readonly TimeSpan QuotaWait = TimeSpan.FromHours(1);

    public const string CredentialsHint = "check ClientId, ClientSecret, and that the app allows the client credentials flow with a run-as user";

    /// <summary>The token endpoint's answer: the access token, or why there is none.</summary>
    public static (string? Token, DeletionOutcome? Failure) Token(IApiResponse<SalesforceToken> response)
    {
        if (NoAnswer(response, "token") is { } none)
            return (null, none);
        var status = response.StatusCode!.Value;
        var code = (int)status;
        if (status == HttpStatusCode.OK && response.Error is null && response.Content is { } token)
        {
            // The token goes into an Authorization header: anything but a plain token is not Salesforce's answer.
            if (IsUsableToken(token.AccessToken)
                && (token.TokenType is null || string.Equals(token.TokenType, "Bearer", StringComparison.OrdinalIgnoreCase)))
                return (token.AccessToken, null);
            return (null, DeletionOutcome.Transient("token: unexpected answer (HTTP 200 without a bearer token)"));
        }
        if (code is >= 200 and < 300)
            return (null, DeletionOutcome.Transient($"token: unexpected answer (HTTP {code})"));
        if (HttpOutcomes.IsTransient(status))
            return (null, DeletionOutcome.Transient($"token: HTTP {code}", HttpOutcomes.RetryAfterDelay(response.Headers?.RetryAfter)));

        var error = Field(response, "error", OAuthErrorFormat());
        if (error == "rate_limit_exceeded")
            return (null, DeletionOutcome.Transient($"token: HTTP {code} {error}", HttpOutcomes.RetryAfterDelay(response.Headers?.RetryAfter)));
        // invalid_client, invalid_grant, unsupported_grant_type, …, or a redirect (a wrong InstanceUrl): configuration.
        return (null, DeletionOutcome.Permanent(error is null
            ? $"token: HTTP {code} ({CredentialsHint})"
            : $"token: HTTP {code} {error} ({CredentialsHint})"));
    }

    /// <summary>
    /// The outcome of an API answer other than the step's own success: no answer, REQUEST_LIMIT_EXCEEDED (transient,
    /// waiting <see cref="QuotaWait"/> unless Retry-After says otherwise), 401 (after a fresh token: the app or its
    /// run-as user is refused), 408/425/429/5xx, an unexpected 2xx (never success), 404 (a wrong address or version,
    /// never "not there"), any other status (permanent, with Salesforce's error code).
    /// </summary>
    public static DeletionOutcome Failure(IApiResponse response, string step)
    {
        if (NoAnswer(response, step) is { } none)
            return none;
        var status = response.StatusCode!.Value;
        var code = (int)status;
        var errorCode = ErrorCode(response);
        if (status == HttpStatusCode.Forbidden && errorCode == RequestLimitExceeded)
            return DeletionOutcome.Transient($"{step}: HTTP 403 {RequestLimitExceeded}",
                HttpOutcomes.RetryAfterDelay(response.Headers?.RetryAfter) ?? QuotaWait);
        if (code is >= 200 and < 300)
            return DeletionOutcome.Transient($"{step}: unexpected answer (HTTP {code})");
        if (HttpOutcomes.IsTransient(status))
            return DeletionOutcome.Transient(WithCode($"{step}: HTTP {code}", errorCode), HttpOutcomes.RetryAfterDelay(response.Headers?.RetryAfter));
        if (status == HttpStatusCode.Unauthorized)
            return DeletionOutcome.Permanent(WithCode($"{step}: HTTP 401", errorCode) + $" with a fresh token ({CredentialsHint})");
        if (status == HttpStatusCode.NotFound)
            return DeletionOutcome.Permanent(WithCode($"{step}: HTTP 404", errorCode) + " (check InstanceUrl or BaseUrl, and ApiVersion)");
        return DeletionOutcome.Permanent(WithCode($"{step}: HTTP {code}", errorCode));
    }

    /// <summary>A Salesforce constant (<c>DELETE_FAILED</c>), or null for anything else: provider text is never stored.</summary>
    public static string? Constant(string? value) => value is not null && ConstantFormat().IsMatch(value) ? value : null;

    /// <summary>No answer at all (connection refused, dropped, DNS, TLS): transient, from the exception's type only.</summary>
    private static DeletionOutcome? NoAnswer(IApiResponse response, string step)
    {
        if (response.HasRequestError(out var requestError))
        {
            // The wrapped exception's message holds the URL, and a query's URL holds email addresses.
            var failure = HttpOutcomes.FromException(requestError.InnerException ?? requestError);
            return DeletionOutcome.Transient($"{step}: {failure.Reason}");
        }
        return response.StatusCode is null ? DeletionOutcome.Transient($"{step}: no answer") : null;
    }

    private static string WithCode(string text, string? errorCode) => errorCode is null ? text : $"{text} {errorCode}";

    private static bool IsUsableToken(string? token) =>
        !string.IsNullOrEmpty(token) && token.Length <= 4096 && !token.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c > '~');

    /// <summary>The REST API's error body is an array of <c>{"message":…,"errorCode":…,"fields":[…]}</c>: the first <c>errorCode</c>.</summary>
    internal static string? ErrorCode(IApiResponse response)
    {
        if (Body(response) is not { } content)
            return null;
        try
        {
            using var body = JsonDocument.Parse(content);
            var root = body.RootElement;
            var first = root.ValueKind switch
            {
                JsonValueKind.Array when root.GetArrayLength() > 0 => root[0],
                JsonValueKind.Object => root,
                _ => default,
            };
            return first.ValueKind == JsonValueKind.Object && first.TryGetProperty("errorCode", out var value)
                && value.ValueKind == JsonValueKind.String ? Constant(value.GetString()) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A string field of an object body when it has the expected format (the token endpoint's <c>error</c>).</summary>
    private static string? Field(IApiResponse response, string name, Regex format)
    {
        if (Body(response) is not { } content)
            return null;
        try
        {
            using var body = JsonDocument.Parse(content);
            return body.RootElement.ValueKind == JsonValueKind.Object && body.RootElement.TryGetProperty(name, out var value)
                && value.ValueKind == JsonValueKind.String && value.GetString() is { } text && format.IsMatch(text) ? text : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Body(IApiResponse response) =>
        response.Error is ApiException { Content: { Length: > 0 } content } ? content : null;

    [GeneratedRegex("^[A-Z][A-Z0-9_]{0,63}$")]
    private static partial Regex ConstantFormat();

    [GeneratedRegex("^[a-z][a-z_]{0,63}$")]
    private static partial Regex OAuthErrorFormat();
}
