using System.Text.Json;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace RetirementBridge.Deleters.Tests.HubSpot;

/// <summary>
/// HubSpot's CRM v3 contacts API as far as the deleter uses it, with HubSpot's real paths, headers, bodies and error
/// answers. Anything not arranged answers 418, so a wrong path or an unexpected gdpr-delete shows up as a failure
/// rather than as a 404 that would read as "not there".
/// WireMock matches paths decoded (<c>%40</c> arrives as <c>@</c>): mappings use the plain address, and how the
/// deleter escapes it is tested on the wire in <see cref="HubSpotPathTests"/>.
/// </summary>
internal sealed class HubSpotFake : IDisposable
{
    /// <summary>A private app token's shape: <c>pat-{region}-{uuid}</c>.</summary>
    public const string AccessToken = "pat-na1-0f8e2c1d-9a7b-4c3e-8d2f-6b5a4e3d2c1b";

    public const string ContactsPath = "/crm/v3/objects/contacts";
    public const string GdprDeletePath = "/crm/v3/objects/contacts/gdpr-delete";

    /// <summary>The sample learner's address as HubSpot stores it (lower case).</summary>
    public static readonly string SampleEmail = Testing.SampleRetirement.Email.ToLowerInvariant();

    private readonly bool _ownsServer;

    /// <param name="server">A server to arrange (the conformance kit's); null: a fresh one with the 418 catch-all.</param>
    public HubSpotFake(WireMockServer? server = null)
    {
        _ownsServer = server is null;
        Server = server ?? Loopback.StartFake();
        if (_ownsServer)
            Server.Given(Request.Create().UsingAnyMethod()).AtPriority(1000)
                .RespondWith(Response.Create().WithStatusCode(418).WithBody("the fake has no mapping for this request"));
    }

    public WireMockServer Server { get; }

    public IReadOnlyList<IRequestMessage> Requests => Server.LogEntries.Select(entry => entry.RequestMessage).ToList();

    public IReadOnlyList<IRequestMessage> Lookups =>
        Requests.Where(r => r.Method == "GET" && r.Path.StartsWith(ContactsPath + "/", StringComparison.Ordinal)).ToList();

    public IReadOnlyList<IRequestMessage> Deletions => Requests.Where(r => r.Path == GdprDeletePath).ToList();

    public Dictionary<string, string?> Settings() => Settings(Server.Url!);

    public static Dictionary<string, string?> Settings(string baseUrl) => new()
    {
        ["Deleters:HubSpot:Enabled"] = "true",
        ["Deleters:HubSpot:AccessToken"] = AccessToken,
        ["Deleters:HubSpot:BaseUrl"] = baseUrl,
        ["Deleters:HubSpot:Timeout"] = "00:00:10",
    };

    /// <summary>HubSpot has a contact with this (lower-case) address: the lookup answers 200 with it.</summary>
    public void Contact(string email, string id = "51") => Lookup(email, Found(email, id));

    /// <summary>HubSpot has no contact with this address: the lookup answers its 404 (which echoes the address).</summary>
    public void NoContact(string email) => Lookup(email, ObjectNotFound(email));

    /// <summary><c>GET /crm/v3/objects/contacts/{email}?idProperty=email</c> with the token answers <paramref name="answer"/>.</summary>
    public void Lookup(string email, IResponseBuilder answer) =>
        Server.Given(Request.Create().UsingGet().WithPath($"{ContactsPath}/{email}")
                .WithParam(query => query.Count == 1 && query.TryGetValue("idProperty", out var values) && values.SequenceEqual(["email"]))
                .WithHeader("Authorization", $"Bearer {AccessToken}"))
            .AtPriority(1)
            .RespondWith(answer);

    /// <summary>
    /// <c>POST /crm/v3/objects/contacts/gdpr-delete</c> for this address, with the token and a JSON body of exactly
    /// <c>{"objectId":email,"idProperty":"email"}</c>, answers <paramref name="answer"/> (HubSpot's 204 by default).
    /// </summary>
    public void GdprDelete(string email, IResponseBuilder? answer = null) =>
        Server.Given(Request.Create().UsingPost().WithPath(GdprDeletePath)
                .WithHeader("Authorization", $"Bearer {AccessToken}")
                .WithHeader("Content-Type", "application/json*")
                .WithBody((string? body) => IsGdprDeleteOf(body, email)))
            .AtPriority(1)
            .RespondWith(answer ?? Response.Create().WithStatusCode(204));

    /// <summary>Every request answers <paramref name="answer"/> (an outage, a rate limit, a rejected token).</summary>
    public void Everything(IResponseBuilder answer) =>
        Server.Given(Request.Create().UsingAnyMethod()).AtPriority(5).RespondWith(answer);

    /// <summary>True when <paramref name="body"/> is exactly HubSpot's documented gdpr-delete body for <paramref name="email"/>.</summary>
    public static bool IsGdprDeleteOf(string? body, string email)
    {
        if (string.IsNullOrEmpty(body))
            return false;
        try
        {
            using var json = JsonDocument.Parse(body);
            var properties = json.RootElement.ValueKind == JsonValueKind.Object ? json.RootElement.EnumerateObject().ToList() : [];
            return properties.Count == 2
                && properties.Any(p => p.Name == "objectId" && p.Value.ValueKind == JsonValueKind.String && p.Value.GetString() == email)
                && properties.Any(p => p.Name == "idProperty" && p.Value.ValueKind == JsonValueKind.String && p.Value.GetString() == "email");
        }
        catch (JsonException)
        {
            return false;
        }
    }

    // HubSpot's answers, as its API sends them.

    public static IResponseBuilder Found(string email, string id) => Json(200, new
    {
        id,
        properties = new Dictionary<string, string>
        {
            ["createdate"] = "2024-03-04T09:12:44.123Z",
            ["email"] = email,
            ["firstname"] = "Jane",
            ["hs_object_id"] = id,
            ["lastmodifieddate"] = "2025-01-20T16:03:10.456Z",
            ["lastname"] = "Doe",
        },
        createdAt = "2024-03-04T09:12:44.123Z",
        updatedAt = "2025-01-20T16:03:10.456Z",
        archived = false,
    });

    /// <summary>HubSpot's 404 for a record it does not have; its message and context name what was asked for.</summary>
    public static IResponseBuilder ObjectNotFound(string asked) => Error(404, "OBJECT_NOT_FOUND", "Object not found.  objectId are usually numeric.",
        new { id = new[] { asked } });

    /// <summary>HubSpot's 429: <c>policyName</c> says which limit (SECONDLY, TEN_SECONDLY_ROLLING, DAILY).</summary>
    public static IResponseBuilder RateLimited(string policyName, TimeSpan? retryAfter = null)
    {
        var answer = Json(429, new
        {
            status = "error",
            message = policyName == "DAILY" ? "You have reached your daily limit." : "You have reached your secondly limit.",
            errorType = "RATE_LIMIT",
            correlationId = "c033cdaa-2c40-4a64-ae48-b4cec88dad24",
            policyName,
            requestId = "3d3e35b7-0dae-4b9f-a6e3-9c230cbcf8dd",
        });
        return retryAfter is { } wait ? answer.WithHeader("Retry-After", $"{(int)wait.TotalSeconds}") : answer;
    }

    public static IResponseBuilder Unauthorized() => Error(401, "INVALID_AUTHENTICATION",
        "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview");

    public static IResponseBuilder MissingScopes() => Error(403, "MISSING_SCOPES",
        "This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.");

    /// <summary>HubSpot's error body: <c>status</c>, <c>message</c>, <c>correlationId</c>, <c>category</c>, sometimes <c>context</c>.</summary>
    public static IResponseBuilder Error(int status, string category, string message, object? context = null) => Json(status, new
    {
        status = "error",
        message,
        correlationId = "5b0a4b8e-77c1-4b0f-9c53-2f1d6f0e9a11",
        context,
        category,
    });

    private static IResponseBuilder Json(int status, object body) =>
        Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json;charset=utf-8")
            .WithBody(JsonSerializer.Serialize(body));

    public void Dispose()
    {
        if (_ownsServer)
            Server.Dispose();
    }
}
