using System.Text;
using WireMock;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace RetirementBridge.Deleters.Tests.CustomerIo;

/// <summary>
/// Customer.io's Track API (v1) as far as the deleter uses it, with its real paths, Basic <c>site_id:api_key</c> and
/// answers: <c>DELETE /api/v1/customers/{identifier}</c> and <c>POST /api/v1/customers/{identifier}/suppress</c> answer
/// 200 with an empty JSON object, <c>GET /api/v1/accounts/region</c> the workspace's region. Every arrangement matches
/// the exact path and the credentials, so a request for the wrong person, path or workspace falls through to the
/// 418 catch-all rather than to WireMock's 404, which the deleter could take for "not there".
/// WireMock matches paths decoded (<c>%40</c> arrives as <c>@</c>): mappings use the plain identifier, and how the
/// deleter escapes an email is tested on the wire in <see cref="CustomerIoPathTests"/>.
/// </summary>
internal sealed class CustomerIoFake : IDisposable
{
    /// <summary>A Track API site id's shape: 20 hex digits.</summary>
    public const string SiteId = "3f2b9c8e1d7a6b5c4e3f";

    /// <summary>A Track API key's shape: 20 hex digits.</summary>
    public const string ApiKey = "a1b2c3d4e5f60718293a";

    public const string CustomersPath = "/api/v1/customers";
    public const string RegionPath = "/api/v1/accounts/region";

    private readonly bool _ownsServer;

    /// <param name="server">A server to arrange (the conformance kit's); null: a fresh one with the 418 catch-all.</param>
    public CustomerIoFake(WireMockServer? server = null)
    {
        _ownsServer = server is null;
        Server = server ?? Loopback.StartFake();
        if (_ownsServer)
            Server.Given(Request.Create().UsingAnyMethod()).AtPriority(1000)
                .RespondWith(Response.Create().WithStatusCode(418).WithBody("the fake has no mapping for this request"));
    }

    public WireMockServer Server { get; }

    /// <summary>What the Track API checks: HTTP Basic with the site id as user name and the API key as password.</summary>
    public static string Authorization => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{SiteId}:{ApiKey}"));

    public IReadOnlyList<IRequestMessage> Requests => Server.LogEntries.Select(entry => entry.RequestMessage).ToList();

    public IReadOnlyList<IRequestMessage> Deletions => Requests.Where(r => r.Method == "DELETE").ToList();

    public IReadOnlyList<IRequestMessage> Suppressions => Requests.Where(r => r.Method == "POST" && r.Path.EndsWith("/suppress", StringComparison.Ordinal)).ToList();

    public IReadOnlyList<IRequestMessage> RegionChecks => Requests.Where(r => r.Path == RegionPath).ToList();

    /// <summary>Each request as "METHOD path" (the path decoded, as WireMock keeps it).</summary>
    public IReadOnlyList<string> Calls => Requests.Select(r => $"{r.Method} {r.Path}").ToList();

    public Dictionary<string, string?> Settings() => Settings(Server.Url!);

    public static Dictionary<string, string?> Settings(string baseUrl) => new()
    {
        ["Deleters:CustomerIo:Enabled"] = "true",
        ["Deleters:CustomerIo:SiteId"] = SiteId,
        ["Deleters:CustomerIo:ApiKey"] = ApiKey,
        ["Deleters:CustomerIo:BaseUrl"] = baseUrl,
        ["Deleters:CustomerIo:Timeout"] = "00:00:10",
    };

    /// <summary><c>DELETE /api/v1/customers/{identifier}</c> with the credentials answers <paramref name="answer"/> (Customer.io's 200 <c>{}</c> by default).</summary>
    public void Delete(string identifier, IResponseBuilder? answer = null) =>
        Server.Given(Request.Create().UsingDelete().WithPath(new ExactMatcher($"{CustomersPath}/{identifier}"))
                .WithHeader("Authorization", Authorization))
            .AtPriority(1)
            .RespondWith(answer ?? Ok());

    /// <summary>
    /// <c>POST /api/v1/customers/{identifier}/suppress</c> with the credentials and the empty JSON object Customer.io's
    /// own clients send answers <paramref name="answer"/> (200 <c>{}</c> by default).
    /// </summary>
    public void Suppress(string identifier, IResponseBuilder? answer = null) =>
        Server.Given(Request.Create().UsingPost().WithPath(new ExactMatcher($"{CustomersPath}/{identifier}/suppress"))
                .WithHeader("Authorization", Authorization)
                .WithHeader("Content-Type", "application/json*")
                .WithBody(new ExactMatcher("{}")))
            .AtPriority(1)
            .RespondWith(answer ?? Ok());

    /// <summary><c>GET /api/v1/accounts/region</c> with the credentials answers <paramref name="answer"/> (the US region by default).</summary>
    public void Region(IResponseBuilder? answer = null) =>
        Server.Given(Request.Create().UsingGet().WithPath(new ExactMatcher(RegionPath))
                .WithHeader("Authorization", Authorization))
            .AtPriority(1)
            .RespondWith(answer ?? RegionAnswer("us"));

    /// <summary>Every request answers <paramref name="answer"/> (an outage, a rate limit, rejected credentials).</summary>
    public void Everything(IResponseBuilder answer) =>
        Server.Given(Request.Create().UsingAnyMethod()).AtPriority(5).RespondWith(answer);

    // Customer.io's answers, as its Track API reference documents them.

    /// <summary>"A successful request returns an empty object response."</summary>
    public static IResponseBuilder Ok() => Json(200, "{}");

    /// <summary>The region endpoint's answer: the Track API's URL for the workspace, its region, and the workspace id.</summary>
    public static IResponseBuilder RegionAnswer(string region) => Json(200,
        $$"""{"url":"https://{{(region == "eu" ? "track-eu" : "track")}}.customer.io","region":"{{region}}","environment_id":3}""");

    /// <summary>
    /// A 404 from the Track API. Its body is not documented (Customer.io answers 200 for an unknown person); this
    /// one quotes what was asked for, as error bodies may, and the deleter must not read it.
    /// </summary>
    public static IResponseBuilder NotFound(string asked) => Json(404, $$$"""{"meta":{"error":"customer {{{asked}}} not found"}}""");

    /// <summary>"Unauthorized request. Make sure that you provided the right credentials."</summary>
    public static IResponseBuilder Unauthorized() => Json(401, """{"meta":{"error":"Unauthorized request"}}""");

    /// <summary>429, with or without Retry-After.</summary>
    public static IResponseBuilder RateLimited(TimeSpan? retryAfter = null)
    {
        var answer = Json(429, """{"meta":{"error":"rate limited"}}""");
        return retryAfter is { } wait ? answer.WithHeader("Retry-After", $"{(int)wait.TotalSeconds}") : answer;
    }

    public static IResponseBuilder Json(int status, string body) =>
        Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json; charset=utf-8").WithBody(body);

    public void Dispose()
    {
        if (_ownsServer)
            Server.Dispose();
    }
}
