using System.Text.Json;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace RetirementBridge.Deleters.Tests.Brevo;

/// <summary>
/// Brevo's API v3 contacts endpoint as far as the deleter uses it, with Brevo's real path, query, header, status codes
/// and error bodies (<c>{"code":…,"message":…}</c>). Anything not arranged answers 418, so a wrong path, a missing
/// <c>identifierType</c> or a missing key shows up as a failure rather than as a 404 that would read as "not there".
/// WireMock matches paths decoded (<c>%40</c> arrives as <c>@</c>): mappings use the plain address, compared with
/// its case, and how the deleter escapes it is tested on the wire in <see cref="BrevoPathTests"/>.
/// </summary>
internal sealed class BrevoFake : IDisposable
{
    /// <summary>A Brevo API v3 key's shape: <c>xkeysib-</c>, 64 hex digits, <c>-</c>, 16 letters and digits (made up).</summary>
    public const string ApiKey = "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";

    public const string ContactsPath = "/v3/contacts";

    /// <summary>The sample learner's address as typed (mixed case) and lower-cased.</summary>
    public static readonly string SampleEmail = Testing.SampleRetirement.Email;
    public static readonly string SampleEmailLower = Testing.SampleRetirement.Email.ToLowerInvariant();

    private readonly bool _ownsServer;

    /// <param name="server">A server to arrange (the conformance kit's); null: a fresh one with the 418 catch-all.</param>
    public BrevoFake(WireMockServer? server = null)
    {
        _ownsServer = server is null;
        Server = server ?? Loopback.StartFake();
        if (_ownsServer)
            Server.Given(Request.Create().UsingAnyMethod()).AtPriority(1000)
                .RespondWith(Response.Create().WithStatusCode(418).WithBody("the fake has no mapping for this request"));
    }

    public WireMockServer Server { get; }

    public IReadOnlyList<IRequestMessage> Requests => Server.LogEntries.Select(entry => entry.RequestMessage).ToList();

    /// <summary>The decoded paths of the deletions asked, in order.</summary>
    public IReadOnlyList<string> DeletedPaths => Requests.Where(r => r.Method == "DELETE").Select(r => r.Path).ToList();

    public Dictionary<string, string?> Settings() => Settings(Server.Url!);

    public static Dictionary<string, string?> Settings(string baseUrl) => new()
    {
        ["Deleters:Brevo:Enabled"] = "true",
        ["Deleters:Brevo:ApiKey"] = ApiKey,
        ["Deleters:Brevo:BaseUrl"] = baseUrl,
        // The deleter's own default: a loaded 2-core machine has taken 11 s for one fake round trip.
        ["Deleters:Brevo:Timeout"] = "00:00:30",
    };

    /// <summary>Brevo deletes the contact stored under exactly this form of the address (204).</summary>
    public void Contact(string email) => Delete(email, Deleted());

    /// <summary>Brevo has no contact under exactly this form of the address (its 404 document_not_found).</summary>
    public void NoContact(string email) => Delete(email, DocumentNotFound());

    /// <summary>
    /// As Brevo stores an address the learner typed in mixed case, if it lower-cases it: the lower-cased form is
    /// deleted (204), the form as typed is not there (404). For an all-lower-case address, the one deletion.
    /// </summary>
    public void StoredLowerCased(string email)
    {
        Contact(email.ToLowerInvariant());
        if (email != email.ToLowerInvariant())
            NoContact(email);
    }

    /// <summary>Neither form of the address is in Brevo.</summary>
    public void Unknown(string email)
    {
        NoContact(email.ToLowerInvariant());
        if (email != email.ToLowerInvariant())
            NoContact(email);
    }

    /// <summary>
    /// <c>DELETE /v3/contacts/{email}?identifierType=email_id</c> for exactly this form of the address (case kept),
    /// with the key in the api-key header, answers <paramref name="answer"/>.
    /// </summary>
    public void Delete(string email, IResponseBuilder answer) =>
        Server.Given(Request.Create().UsingDelete()
                .WithPath(path => path == $"{ContactsPath}/{email}")
                .WithParam(query => query.Count == 1 && query.TryGetValue("identifierType", out var values) && values.SequenceEqual(["email_id"]))
                .WithHeader("api-key", ApiKey))
            .AtPriority(1)
            .RespondWith(answer);

    /// <summary>Every request answers <paramref name="answer"/> (an outage, a rate limit, a rejected key).</summary>
    public void Everything(IResponseBuilder answer) =>
        Server.Given(Request.Create().UsingAnyMethod()).AtPriority(5).RespondWith(answer);

    // Brevo's answers, as its API sends them.

    /// <summary>Brevo's answer to a deletion: 204, no body.</summary>
    public static IResponseBuilder Deleted() => Response.Create().WithStatusCode(204);

    /// <summary>Brevo's 404 for a contact it does not have. Its message is provider text; here it quotes the address,
    /// which the deleter must never copy into an outcome.</summary>
    public static IResponseBuilder DocumentNotFound(string? asked = null) =>
        Error(404, "document_not_found", asked is null ? "Contact does not exist" : $"Contact {asked} does not exist");

    /// <summary>
    /// Brevo's 429: the x-sib-ratelimit-* headers (limit, remaining, and reset, the seconds until the window resets);
    /// no Retry-After. <paramref name="reset"/> null leaves the reset header out.
    /// </summary>
    public static IResponseBuilder RateLimited(string? reset, int limit = 10, int remaining = 0)
    {
        var answer = Error(429, "too_many_requests", "The expected rate limit is exceeded.")
            .WithHeader("x-sib-ratelimit-limit", limit.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithHeader("x-sib-ratelimit-remaining", remaining.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return reset is null ? answer : answer.WithHeader("x-sib-ratelimit-reset", reset);
    }

    public static IResponseBuilder Unauthorized() => Error(401, "unauthorized", "Key not found");

    /// <summary>Brevo's error body: <c>{"code":…,"message":…}</c>.</summary>
    public static IResponseBuilder Error(int status, string code, string message) =>
        Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json; charset=utf-8")
            .WithBody(JsonSerializer.Serialize(new { code, message }));

    public void Dispose()
    {
        if (_ownsServer)
            Server.Dispose();
    }
}
