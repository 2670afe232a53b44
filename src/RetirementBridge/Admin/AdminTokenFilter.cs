using RetirementBridge.Webhooks;

namespace RetirementBridge.Admin;

/// <summary>Lets a request through only with <c>Authorization: Bearer &lt;one of Admin:Tokens&gt;</c>, and leaves the
/// matching token's fingerprint for the endpoint (<see cref="CallerOf"/>), so actions record who took them.</summary>
internal sealed class AdminTokenFilter(AdminTokens tokens) : IEndpointFilter
{
    private const string CallerKey = "RetirementBridge.AdminCaller";

    public static string CallerOf(HttpContext http) => (string)http.Items[CallerKey]!;

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (tokens.IsEmpty)
            return Deny(http, "The admin API is disabled: no Admin:Tokens are configured.");

        var header = http.Request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
            return Deny(http, "Send Authorization: Bearer <admin token>.");

        if (tokens.Match(header[scheme.Length..].Trim()) is not { } caller)
            return Deny(http, "The admin token is not accepted.");
        http.Items[CallerKey] = caller;
        return next(context);
    }

    private static ValueTask<object?> Deny(HttpContext http, string detail)
    {
        http.Response.Headers.WWWAuthenticate = "Bearer";
        return ValueTask.FromResult<object?>(Problems.Create(401, "unauthorized", "Admin token required", detail));
    }
}
