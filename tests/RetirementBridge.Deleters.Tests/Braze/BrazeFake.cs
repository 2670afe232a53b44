using System.Text.Json;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace RetirementBridge.Deleters.Tests.Braze;

/// <summary>
/// Braze's REST API as far as the deleter uses it: <c>POST /users/delete</c> with a Bearer key and
/// <c>{"external_ids": [...]}</c>, answering Braze's documented bodies, status codes and rate-limit headers. A request
/// that matches no arrangement (wrong path, method, key or body) answers 418, so it can never read as success.
/// </summary>
internal sealed class BrazeFake : IDisposable
{
    public const string ApiKey = "5a1b2c3d-0000-4e5f-8a9b-0123456789ab";
    public const string DeletePath = "/users/delete";
    public const int Unexpected = 418;

    private readonly bool _owned;

    /// <summary>A fake on its own loopback server.</summary>
    public BrazeFake() : this(Loopback.StartFake(), owned: true)
    {
        Server.Given(Request.Create().UsingAnyMethod()).AtPriority(1000)
            .RespondWith(Response.Create().WithStatusCode(Unexpected).WithBody("the fake has no mapping for this request"));
    }

    /// <summary>Arrangements on a server someone else owns (the conformance kit's).</summary>
    public BrazeFake(WireMockServer server) : this(server, owned: false)
    {
    }

    private BrazeFake(WireMockServer server, bool owned)
    {
        Server = server;
        _owned = owned;
    }

    public WireMockServer Server { get; }

    public IReadOnlyList<IRequestMessage> Requests => Server.LogEntries.Select(entry => entry.RequestMessage).ToList();

    public IReadOnlyList<IRequestMessage> DeleteRequests =>
        Requests.Where(r => r.Method == "POST" && r.Path == DeletePath).ToList();

    public Dictionary<string, string?> Settings() => Settings(Server.Url!);

    public static Dictionary<string, string?> Settings(string baseUrl) => new()
    {
        ["Deleters:Braze:Enabled"] = "true",
        ["Deleters:Braze:ApiKey"] = ApiKey,
        ["Deleters:Braze:BaseUrl"] = baseUrl,
        ["Deleters:Braze:Timeout"] = "00:00:10",
    };

    /// <summary>
    /// <c>POST /users/delete</c> with exactly these external ids (as JSON strings, in this order, nothing else in the
    /// body) and the right key answers <paramref name="answer"/>.
    /// </summary>
    public void Delete(IReadOnlyList<string> externalIds, IResponseBuilder answer) =>
        Server.Given(Request.Create().UsingPost().WithPath(DeletePath)
                .WithHeader("Authorization", $"Bearer {ApiKey}")
                .WithBody((string? body) => HasExactly(body, externalIds)))
            .AtPriority(1)
            .RespondWith(answer);

    /// <summary>Any <c>POST /users/delete</c> answers <paramref name="answer"/>.</summary>
    public void AnyDelete(IResponseBuilder answer) =>
        Server.Given(Request.Create().UsingPost().WithPath(DeletePath)).AtPriority(5).RespondWith(answer);

    /// <summary>The body is <c>{"external_ids": [...]}</c> with exactly these strings.</summary>
    public static bool HasExactly(string? body, IReadOnlyList<string> externalIds)
    {
        if (string.IsNullOrEmpty(body))
            return false;
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object || root.EnumerateObject().Count() != 1
                || !root.TryGetProperty("external_ids", out var ids) || ids.ValueKind != JsonValueKind.Array)
                return false;
            var sent = ids.EnumerateArray().ToList();
            return sent.All(id => id.ValueKind == JsonValueKind.String)
                && sent.Select(id => id.GetString()!).SequenceEqual(externalIds);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>The external ids one logged request sent.</summary>
    public static IReadOnlyList<string> SentIds(IRequestMessage request)
    {
        using var json = JsonDocument.Parse(request.Body!);
        return json.RootElement.GetProperty("external_ids").EnumerateArray().Select(id => id.GetString()!).ToList();
    }

    /// <summary>Braze's success: 200 <c>{"deleted": N, "message": "success"}</c>.</summary>
    public static IResponseBuilder Deleted(int deleted) => Json(200, new { deleted, message = "success" });

    /// <summary>During maintenance Braze answers 202 <c>{"message": "queued"}</c>: received, processed later.</summary>
    public static IResponseBuilder Queued() => Json(202, new { message = "queued" });

    /// <summary>A fatal error: <c>{"message": ...}</c> with its status.</summary>
    public static IResponseBuilder Error(int status, string message) => Json(status, new { message });

    /// <summary>
    /// 429 with Braze's rate-limit headers: <c>X-RateLimit-Reset</c> in UTC epoch seconds, when <paramref name="reset"/>
    /// is given.
    /// </summary>
    public static IResponseBuilder RateLimited(DateTimeOffset? reset)
    {
        var response = Json(429, new { message = "Too many requests" })
            .WithHeader("X-RateLimit-Limit", "20000")
            .WithHeader("X-RateLimit-Remaining", "0");
        return reset is { } at ? response.WithHeader("X-RateLimit-Reset", at.ToUnixTimeSeconds().ToString()) : response;
    }

    public static IResponseBuilder Json(int status, object body) =>
        Response.Create().WithStatusCode(status)
            .WithHeader("Content-Type", "application/json")
            .WithBody(JsonSerializer.Serialize(body));

    public void Dispose()
    {
        if (_owned)
            Server.Dispose();
    }
}
