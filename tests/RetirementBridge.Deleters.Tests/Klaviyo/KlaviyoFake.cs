using System.Text.Json;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace RetirementBridge.Deleters.Tests.Klaviyo;

/// <summary>
/// Klaviyo's Data Privacy API as far as the deleter uses it, with Klaviyo's real path, headers, JSON:API bodies and
/// error answers. Anything not arranged answers 418, so a wrong path, header or body shows up as a failure rather
/// than as a 404 that could read as "not there".
/// </summary>
internal sealed class KlaviyoFake : IDisposable
{
    /// <summary>A private key's shape: <c>pk_</c> and a long alphanumeric string.</summary>
    public const string ApiKey = "pk_3f9c2a7d1e8b4c6a9f0e2d4b6a8c1e3f57";

    public const string DeletionJobsPath = "/api/data-privacy-deletion-jobs";

    public const string JsonApi = "application/vnd.api+json";

    private readonly bool _ownsServer;

    /// <param name="server">A server to arrange (the conformance kit's); null: a fresh one with the 418 catch-all.</param>
    public KlaviyoFake(WireMockServer? server = null)
    {
        _ownsServer = server is null;
        Server = server ?? Loopback.StartFake();
        if (_ownsServer)
            Server.Given(Request.Create().UsingAnyMethod()).AtPriority(1000)
                .RespondWith(Response.Create().WithStatusCode(418).WithBody("the fake has no mapping for this request"));
    }

    public WireMockServer Server { get; }

    public IReadOnlyList<IRequestMessage> Requests => Server.LogEntries.Select(entry => entry.RequestMessage).ToList();

    /// <summary>The email of each deletion request, in the order sent.</summary>
    public IReadOnlyList<string?> RequestedEmails => Requests.Select(r => EmailOf(r.Body)).ToList();

    public Dictionary<string, string?> Settings() => Settings(Server.Url!);

    public static Dictionary<string, string?> Settings(string baseUrl) => new()
    {
        ["Deleters:Klaviyo:Enabled"] = "true",
        ["Deleters:Klaviyo:ApiKey"] = ApiKey,
        ["Deleters:Klaviyo:BaseUrl"] = baseUrl,
        ["Deleters:Klaviyo:Timeout"] = "00:00:10",
    };

    /// <summary>
    /// <c>POST /api/data-privacy-deletion-jobs</c> for exactly this address, with the key, the revision, JSON:API's
    /// Accept and Content-Type, and exactly the documented body, answers <paramref name="answer"/> (Klaviyo's 202 by default).
    /// </summary>
    public void Deletion(string email, IResponseBuilder? answer = null, string revision = "2024-10-15") =>
        Server.Given(Documented(revision).WithBody((string? body) => IsDeletionOf(body, email)))
            .AtPriority(1)
            .RespondWith(answer ?? Accepted());

    /// <summary>Every deletion request with Klaviyo's headers, whoever it names, answers <paramref name="answer"/>.</summary>
    public void AnyDeletion(IResponseBuilder answer) =>
        Server.Given(Documented("2024-10-15")).AtPriority(5).RespondWith(answer);

    private static IRequestBuilder Documented(string revision) =>
        Request.Create().UsingPost().WithPath(DeletionJobsPath)
            .WithHeader("Authorization", $"Klaviyo-API-Key {ApiKey}")
            .WithHeader("revision", revision)
            .WithHeader("Accept", JsonApi)
            .WithHeader("Content-Type", JsonApi);

    /// <summary>
    /// True when <paramref name="body"/> is exactly Klaviyo's documented deletion body for <paramref name="email"/>:
    /// <c>{"data":{"type":"data-privacy-deletion-job","attributes":{"profile":{"data":{"type":"profile","attributes":{"email":…}}}}}}</c>,
    /// no other member at any level (Klaviyo refuses a request that names a second identifier).
    /// </summary>
    public static bool IsDeletionOf(string? body, string email) => EmailOf(body) == email;

    /// <summary>The email of a body that is exactly the documented shape; null for anything else.</summary>
    public static string? EmailOf(string? body)
    {
        if (string.IsNullOrEmpty(body))
            return null;
        try
        {
            using var json = JsonDocument.Parse(body);
            if (Only(json.RootElement, "data") is not { } job
                || Only(job, "type", "attributes") is not { } jobAttributes
                || Text(job, "type") != "data-privacy-deletion-job"
                || Only(jobAttributes, "profile") is not { } profile
                || Only(profile, "data") is not { } profileData
                || Only(profileData, "type", "attributes") is not { } profileAttributes
                || Text(profileData, "type") != "profile"
                || Only(profileAttributes, "email") is not { ValueKind: JsonValueKind.String } email)
                return null;
            return email.GetString();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The value of the last named member when <paramref name="element"/> is an object with exactly these members.</summary>
    private static JsonElement? Only(JsonElement element, params string[] names)
    {
        if (element.ValueKind != JsonValueKind.Object)
            return null;
        var members = element.EnumerateObject().ToList();
        if (members.Count != names.Length || names.Any(name => members.Count(m => m.Name == name) != 1))
            return null;
        return members.Single(m => m.Name == names[^1]).Value;
    }

    private static string? Text(JsonElement element, string name) =>
        element.GetProperty(name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    // Klaviyo's answers, as its API sends them.

    /// <summary>Klaviyo's only documented success: 202, no body.</summary>
    public static IResponseBuilder Accepted() => Response.Create().WithStatusCode(202);

    /// <summary>Klaviyo's 429: a JSON:API error with code <c>throttled</c>, and Retry-After in whole seconds.</summary>
    public static IResponseBuilder Throttled(TimeSpan? retryAfter = null)
    {
        var answer = Error(429, "throttled", "Request was throttled.", "Request was throttled. Expected available in 1 second.");
        return retryAfter is { } wait ? answer.WithHeader("Retry-After", $"{(int)wait.TotalSeconds}") : answer;
    }

    public static IResponseBuilder NotAuthenticated() => Error(401, "not_authenticated",
        "Authentication credentials were not provided.", "Missing or invalid authorization scheme. Please use Klaviyo-API-Key.");

    public static IResponseBuilder PermissionDenied() => Error(403, "permission_denied",
        "You do not have permission to perform this action.", "The API key specified does not have access to the data-privacy:write scope.");

    /// <summary>A JSON:API error document as Klaviyo sends it; <c>detail</c> can name what was sent (the email).</summary>
    public static IResponseBuilder Error(int status, string code, string title, string detail, string pointer = "/data/attributes/profile/data/attributes/email") =>
        Response.Create().WithStatusCode(status).WithHeader("Content-Type", JsonApi)
            .WithBody(JsonSerializer.Serialize(new
            {
                errors = new[]
                {
                    new
                    {
                        id = "7c5b2b9e-3f0a-4d7c-9a61-5e2f8d4c1b3a",
                        status,
                        code,
                        title,
                        detail,
                        source = new { pointer },
                        links = new { },
                        meta = new { },
                    },
                },
                links = new { },
                meta = new { },
            }));

    public void Dispose()
    {
        if (_ownsServer)
            Server.Dispose();
    }
}
