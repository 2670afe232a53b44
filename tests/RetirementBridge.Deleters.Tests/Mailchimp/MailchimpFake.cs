using System.Text.Json;
using WireMock;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Types;

namespace RetirementBridge.Deleters.Tests.Mailchimp;

/// <summary>
/// Mailchimp Marketing API v3 as far as the deleter uses it, with Mailchimp's real paths, problem+json bodies and
/// status codes. Anything else answers 418, so a wrong path shows up as a failure rather than as a 404 that would
/// read as "not there".
/// </summary>
internal sealed class MailchimpFake : IDisposable
{
    public const string ApiKey = "0123456789abcdef0123456789abcdef-us21";

    /// <summary>md5("jane.doe@example.com"): the sample learner's mixed-case email, lower-cased, hashed independently.</summary>
    public const string SampleHash = "0cba00ca3da1b283a57287bcceb17e35";

    private const string ProblemType = "https://mailchimp.com/developer/marketing/docs/errors/";

    public MailchimpFake()
    {
        Server.Given(Request.Create().UsingAnyMethod()).AtPriority(1000)
            .RespondWith(Response.Create().WithStatusCode(418).WithBody("the fake has no mapping for this request"));
    }

    public WireMockServer Server { get; } = Loopback.StartFake();

    public IReadOnlyList<IRequestMessage> Requests => Server.LogEntries.Select(entry => entry.RequestMessage).ToList();

    public IReadOnlyList<IRequestMessage> DeleteRequests =>
        Requests.Where(r => r.Path.EndsWith("/actions/delete-permanent", StringComparison.Ordinal)).ToList();

    public Dictionary<string, string?> Settings(params string[] audiences) => Settings(Server.Url!, audiences);

    public static Dictionary<string, string?> Settings(string baseUrl, params string[] audiences)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Deleters:Mailchimp:Enabled"] = "true",
            ["Deleters:Mailchimp:ApiKey"] = ApiKey,
            ["Deleters:Mailchimp:BaseUrl"] = baseUrl,
            ["Deleters:Mailchimp:Timeout"] = "00:00:10",
        };
        for (var i = 0; i < audiences.Length; i++)
            settings[$"Deleters:Mailchimp:Audiences:{i}"] = audiences[i];
        return settings;
    }

    /// <summary>The answer to delete-permanent of the sample learner in <paramref name="audience"/>.</summary>
    public void Member(string audience, IResponseBuilder answer) =>
        Server.Given(Request.Create().UsingPost().WithPath(DeletePath(audience, SampleHash))).AtPriority(1)
            .RespondWith(answer);

    /// <summary>Every delete-permanent of the sample learner not otherwise mapped answers 404: the member is not there.</summary>
    public void NotAMemberElsewhere() =>
        Server.Given(Request.Create().UsingPost()
                .WithPath(new RegexMatcher($"^/3\\.0/lists/[A-Za-z0-9]+/members/{SampleHash}/actions/delete-permanent$")))
            .AtPriority(10)
            .RespondWith(NotFound());

    /// <summary><c>GET /3.0/lists/{id}</c> answers 200 for each of these audiences.</summary>
    public void AudiencesExist(params string[] audiences)
    {
        foreach (var audience in audiences)
            Server.Given(Request.Create().UsingGet().WithPath($"/3.0/lists/{audience}")).AtPriority(1)
                .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                    .WithBody(JsonSerializer.Serialize(new { id = audience })));
    }

    /// <summary>The account's audiences, paged like Mailchimp with count=1000 and offset=N.</summary>
    public void AccountAudiences(IReadOnlyList<string> audiences, int? reportedTotal = null)
    {
        const int pageSize = 1000;
        for (var offset = 0; offset == 0 || offset < audiences.Count; offset += pageSize)
            Server.Given(ListAudiences(offset)).AtPriority(1)
                .RespondWith(AudiencePage(audiences.Skip(offset).Take(pageSize), reportedTotal ?? audiences.Count));
    }

    /// <summary>The deleter's <c>GET /3.0/lists?fields=lists.id,total_items&amp;count=1000&amp;offset=N</c>, exactly.</summary>
    public static IRequestBuilder ListAudiences(int offset)
    {
        var expected = new Dictionary<string, string>
        {
            ["fields"] = "lists.id,total_items",
            ["count"] = "1000",
            ["offset"] = $"{offset}",
        };
        return Request.Create().UsingGet().WithPath("/3.0/lists").WithParam(query => HasExactly(query, expected));
    }

    /// <summary>One page of <c>GET /3.0/lists</c> as Mailchimp answers it, with the account's total.</summary>
    public static IResponseBuilder AudiencePage(IEnumerable<string> ids, int totalItems) =>
        Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
            .WithBody(JsonSerializer.Serialize(new { lists = ids.Select(id => new { id }).ToArray(), total_items = totalItems }));

    /// <summary>
    /// Compares each query value whole: WireMock splits values on commas, and Mailchimp's <c>fields</c> has one.
    /// </summary>
    private static bool HasExactly(IDictionary<string, WireMockList<string>> query, Dictionary<string, string> expected) =>
        query.Count == expected.Count
        && expected.All(pair => query.TryGetValue(pair.Key, out var values) && string.Join(",", values) == pair.Value);

    public static string DeletePath(string audience, string hash) => $"/3.0/lists/{audience}/members/{hash}/actions/delete-permanent";

    public static IResponseBuilder NoContent() => Response.Create().WithStatusCode(204);

    public static IResponseBuilder NotFound() =>
        Problem(404, "Resource Not Found", "The requested resource could not be found.");

    public static IResponseBuilder Problem(int status, string title, string detail) =>
        Response.Create().WithStatusCode(status)
            .WithHeader("Content-Type", "application/problem+json; charset=utf-8")
            .WithBody(JsonSerializer.Serialize(new
            {
                type = ProblemType,
                title,
                status,
                detail,
                instance = "995c5cb0-3280-4a6e-808b-3b096d0bb219",
            }));

    public void Dispose() => Server.Dispose();
}
