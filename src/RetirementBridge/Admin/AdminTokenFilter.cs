using System.Security.Cryptography;
using System.Text;
using RetirementBridge.Webhooks;

namespace RetirementBridge.Admin;

/// <summary>Lets a request through only with <c>Authorization: Bearer &lt;one of Admin:Tokens&gt;</c>.</summary>
internal sealed class AdminTokenFilter(AdminOptions options) : IEndpointFilter
{
    // Compared as SHA-256 digests, so the comparison is constant-time and does not reveal a token's length.
    private readonly byte[][] _tokenDigests = options.Tokens.Select(t => SHA256.HashData(Encoding.UTF8.GetBytes(t))).ToArray();

    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (_tokenDigests.Length == 0)
            return Deny(http, "The admin API is disabled: no Admin:Tokens are configured.");

        var header = http.Request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
            return Deny(http, "Send Authorization: Bearer <admin token>.");

        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(header[scheme.Length..].Trim()));
        var matched = false;
        foreach (var digest in _tokenDigests)
            matched |= CryptographicOperations.FixedTimeEquals(digest, presented);
        return matched ? next(context) : Deny(http, "The admin token is not accepted.");
    }

    private static ValueTask<object?> Deny(HttpContext http, string detail)
    {
        http.Response.Headers.WWWAuthenticate = "Bearer";
        return ValueTask.FromResult<object?>(Problems.Create(401, "unauthorized", "Admin token required", detail));
    }
}
