namespace RetirementBridge.Webhooks;

/// <summary>
/// RFC 9457 problem details, each with a stable <c>type</c> URN a client can switch on. Details are fixed text:
/// they never repeat what the client sent.
/// </summary>
public static class Problems
{
    private const string TypePrefix = "urn:retirement-bridge:problem:";

    public static IResult Create(int status, string code, string title, string? detail = null, TimeSpan? retryAfter = null, HttpContext? http = null)
    {
        if (retryAfter is { } wait && http is not null)
            http.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return Results.Problem(detail: detail, statusCode: status, title: title, type: TypePrefix + code);
    }

    public static IResult Invalid(IDictionary<string, string[]> errors, string detail = "The notification has invalid fields.") =>
        Results.ValidationProblem(errors, detail: detail, title: "Invalid notification", type: TypePrefix + "invalid-notification");
}
