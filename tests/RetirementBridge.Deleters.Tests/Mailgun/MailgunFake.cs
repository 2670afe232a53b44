using System.Text;
using System.Text.Json;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Types;

namespace RetirementBridge.Deleters.Tests.Mailgun;

/// <summary>
/// Mailgun's API v3 as far as the deleter uses it (mailing lists, suppressions), with Mailgun's real paths, Basic
/// auth, bodies and error answers. Anything not arranged answers 418, so a wrong path shows up as a failure rather than
/// as a 404 that would read as "not there".
/// WireMock matches paths decoded (<c>%40</c> arrives as <c>@</c>): mappings use the plain addresses, compared
/// ordinally (so each form of an address is its own mapping), and how the deleter escapes them is tested on the wire
/// in <see cref="MailgunWireTests"/>.
/// </summary>
internal sealed class MailgunFake : IDisposable
{
    /// <summary>A Mailgun private API key's shape (three dash-separated hex groups).</summary>
    public const string ApiKey = "3f0a8c2d9b1e4f5a6c7d8e9f0a1b2c3d-4e5f6a7b-8c9d0e1f";

    /// <summary>What Mailgun expects: Basic auth with user name <c>api</c> and the key as password.</summary>
    public static readonly string Authorization = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"api:{ApiKey}"));

    public const string Domain = "mg.example.org";

    public const string News = "news@mg.example.org";
    public const string Courses = "courses@mg.example.org";

    /// <summary>The sample learner's address as typed (mixed case) and lower-cased: the deleter removes both forms.</summary>
    public static readonly string[] SampleForms = [Testing.SampleRetirement.Email, Testing.SampleRetirement.Email.ToLowerInvariant()];

    public static readonly string[] Tables = ["unsubscribes", "bounces", "complaints"];

    private readonly bool _ownsServer;

    /// <param name="server">A server to arrange (the conformance kit's); null: a fresh one with the 418 catch-all.</param>
    public MailgunFake(WireMockServer? server = null)
    {
        _ownsServer = server is null;
        Server = server ?? Loopback.StartFake();
        if (_ownsServer)
            Server.Given(Request.Create().UsingAnyMethod()).AtPriority(1000)
                .RespondWith(Response.Create().WithStatusCode(418).WithBody("the fake has no mapping for this request"));
    }

    public WireMockServer Server { get; }

    public IReadOnlyList<IRequestMessage> Requests => Server.LogEntries.Select(entry => entry.RequestMessage).ToList();

    /// <summary>Each request as "METHOD path" (the path decoded, as WireMock logs it), in order.</summary>
    public IReadOnlyList<string> Calls => Requests.Select(r => $"{r.Method} {r.Path}").ToList();

    public IReadOnlyList<IRequestMessage> Deletions => Requests.Where(r => r.Method == "DELETE").ToList();

    public IReadOnlyList<IRequestMessage> Listings => Requests.Where(r => r.Path == "/v3/lists/pages").ToList();

    public Dictionary<string, string?> Settings(string[]? lists = null, string[]? domains = null) => Settings(Server.Url!, lists, domains);

    public static Dictionary<string, string?> Settings(string baseUrl, string[]? lists = null, string[]? domains = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Deleters:Mailgun:Enabled"] = "true",
            ["Deleters:Mailgun:ApiKey"] = ApiKey,
            ["Deleters:Mailgun:BaseUrl"] = baseUrl,
            ["Deleters:Mailgun:Timeout"] = "00:00:10",
        };
        for (var i = 0; i < (lists ?? []).Length; i++)
            settings[$"Deleters:Mailgun:Lists:{i}"] = lists![i];
        for (var i = 0; i < (domains ?? []).Length; i++)
            settings[$"Deleters:Mailgun:Domains:{i}"] = domains![i];
        return settings;
    }

    // Arrangements, each for requests carrying the key exactly as Mailgun expects it.

    /// <summary>
    /// The account's mailing lists, paged like Mailgun's <c>GET /v3/lists/pages</c>: each page's <c>paging.next</c>
    /// is an absolute URL on Mailgun's own host naming the last address seen, and the page after the last list is empty.
    /// </summary>
    public void AccountLists(IReadOnlyList<string> lists, int pageSize = 100)
    {
        string? pivot = null;
        for (var offset = 0; ; offset += pageSize)
        {
            var page = lists.Skip(offset).Take(pageSize).ToList();
            Server.Given(ListPages(pivot)).AtPriority(1).RespondWith(ListPage(page, page.Count > 0 ? page[^1] : pivot));
            if (page.Count == 0)
                break;
            pivot = page[^1];
        }
    }

    /// <summary>The deleter's <c>GET /v3/lists/pages</c>: <c>limit=100</c>, then <c>page=next&amp;address={pivot}</c> exactly.</summary>
    public static IRequestBuilder ListPages(string? pivot)
    {
        var expected = new Dictionary<string, string> { ["limit"] = "100" };
        if (pivot is not null)
        {
            expected["page"] = "next";
            expected["address"] = pivot;
        }
        return Request.Create().UsingGet().WithPath("/v3/lists/pages").WithHeader("Authorization", Authorization)
            .WithParam(query => HasExactly(query, expected));
    }

    /// <summary><c>GET /v3/lists/{list}</c> answers 200 with the list.</summary>
    public void ListExists(string list) =>
        Server.Given(Request.Create().UsingGet().WithPath(Exactly($"/v3/lists/{list}")).WithHeader("Authorization", Authorization))
            .AtPriority(1).RespondWith(Json(200, new
            {
                list = new
                {
                    access_level = "readonly",
                    address = list,
                    created_at = "Tue, 06 Mar 2012 05:44:45 GMT",
                    description = "Course announcements",
                    members_count = 2,
                    name = "",
                    reply_preference = "list",
                },
            }));

    /// <summary><c>GET /v3/lists/{list}</c> answers Mailgun's 404.</summary>
    public void NoSuchList(string list) =>
        Server.Given(Request.Create().UsingGet().WithPath(Exactly($"/v3/lists/{list}")))
            .AtPriority(1).RespondWith(Json(404, new { message = "Mailing list not found" }));

    /// <summary><c>DELETE /v3/lists/{list}/members/{address}</c> answers <paramref name="answer"/>.</summary>
    public void Member(string list, string address, IResponseBuilder answer) =>
        Server.Given(Request.Create().UsingDelete().WithPath(Exactly($"/v3/lists/{list}/members/{address}"))
                .WithHeader("Authorization", Authorization))
            .AtPriority(1).RespondWith(answer);

    /// <summary><c>DELETE /v3/{domain}/{table}/{address}</c> answers <paramref name="answer"/>.</summary>
    public void Suppression(string domain, string table, string address, IResponseBuilder answer) =>
        Server.Given(Request.Create().UsingDelete().WithPath(Exactly($"/v3/{domain}/{table}/{address}"))
                .WithHeader("Authorization", Authorization))
            .AtPriority(1).RespondWith(answer);

    /// <summary><c>GET /v3/{domain}/unsubscribes?limit=1</c> answers a page of the domain's unsubscribes.</summary>
    public void DomainExists(string domain) =>
        Server.Given(PeekUnsubscribes(domain)).AtPriority(1).RespondWith(Json(200, new
        {
            items = new[] { new { address = "alice@example.com", tags = new[] { "*" }, created_at = "Fri, 21 Oct 2011 11:02:55 GMT" } },
            paging = new
            {
                first = $"https://api.mailgun.net/v3/{domain}/unsubscribes?limit=1&term=",
                last = $"https://api.mailgun.net/v3/{domain}/unsubscribes?page=last&limit=1&term=",
                next = $"https://api.mailgun.net/v3/{domain}/unsubscribes?page=next&address=alice%40example.com&limit=1&term=",
                previous = $"https://api.mailgun.net/v3/{domain}/unsubscribes?page=previous&address=alice%40example.com&limit=1&term=",
            },
        }));

    /// <summary><c>GET /v3/{domain}/unsubscribes?limit=1</c> answers Mailgun's 404 for a domain it does not have.</summary>
    public void NoSuchDomain(string domain) =>
        Server.Given(PeekUnsubscribes(domain)).AtPriority(1).RespondWith(Json(404, new { message = $"Domain not found: {domain}" }));

    private static IRequestBuilder PeekUnsubscribes(string domain) =>
        Request.Create().UsingGet().WithPath(Exactly($"/v3/{domain}/unsubscribes")).WithHeader("Authorization", Authorization)
            .WithParam(query => HasExactly(query, new Dictionary<string, string> { ["limit"] = "1" }));

    /// <summary>The learner is in every given list and in every suppression table of every given domain.</summary>
    public void Everywhere(IEnumerable<string> addresses, IEnumerable<string> lists, IEnumerable<string> domains)
    {
        foreach (var address in addresses)
        {
            foreach (var list in lists)
                Member(list, address, MemberDeleted(address));
            foreach (var domain in domains)
                foreach (var table in Tables)
                    Suppression(domain, table, address, SuppressionRemoved(table, address));
        }
    }

    /// <summary>The learner is in none of the given lists or suppression tables (every answer Mailgun's 404).</summary>
    public void Nowhere(IEnumerable<string> addresses, IEnumerable<string> lists, IEnumerable<string> domains)
    {
        foreach (var address in addresses)
        {
            foreach (var list in lists)
                Member(list, address, MemberNotFound(address));
            foreach (var domain in domains)
                foreach (var table in Tables)
                    Suppression(domain, table, address, SuppressionNotFound(table));
        }
    }

    /// <summary>Every request answers <paramref name="answer"/> (an outage, a rate limit, a rejected key).</summary>
    public void Everything(IResponseBuilder answer) =>
        Server.Given(Request.Create().UsingAnyMethod()).AtPriority(5).RespondWith(answer);

    // Mailgun's answers, as its API documents them. Several echo the address: the deleter must never copy them.

    public static IResponseBuilder ListPage(IReadOnlyList<string> lists, string? pivot) => Json(200, new
    {
        items = lists.Select(address => new
        {
            access_level = "readonly",
            address,
            created_at = "Wed, 06 Mar 2013 11:39:51 GMT",
            description = "",
            members_count = 2,
            name = "",
            reply_preference = "list",
        }).ToArray(),
        paging = new
        {
            first = "https://api.mailgun.net/v3/lists/pages?page=first&limit=100",
            last = "https://api.mailgun.net/v3/lists/pages?page=last&limit=100",
            next = $"https://api.mailgun.net/v3/lists/pages?page=next&address={Uri.EscapeDataString(pivot ?? "")}&limit=100",
            previous = $"https://api.mailgun.net/v3/lists/pages?page=prev&address={Uri.EscapeDataString(lists.Count > 0 ? lists[0] : "")}&limit=100",
        },
    });

    public static IResponseBuilder MemberDeleted(string address) =>
        Json(200, new { member = new { address }, message = "Mailing list member has been deleted" });

    /// <summary>Mailgun's 404 for a member not in the list (its message names the address; the exact wording is not documented).</summary>
    public static IResponseBuilder MemberNotFound(string address) =>
        Json(404, new { message = $"Member {address} of mailing list not found" });

    public static IResponseBuilder SuppressionRemoved(string table, string address) => Json(200, new
    {
        message = table switch
        {
            "unsubscribes" => "Unsubscribe event has been removed",
            "bounces" => "Bounced address has been removed",
            _ => "Spam complaint has been removed",
        },
        address,
    });

    public static IResponseBuilder SuppressionNotFound(string table) => Json(404, new
    {
        message = table switch
        {
            "unsubscribes" => "Address not found in unsubscribers table",
            "bounces" => "Address not found in bounces table",
            _ => "No spam complaints found for this address",
        },
    });

    /// <summary>Mailgun's 429: with a Retry-After header, and/or the <c>retry-seconds</c> body it documents (trailing comma included).</summary>
    public static IResponseBuilder RateLimited(TimeSpan? retryAfter = null, int? retrySeconds = null)
    {
        var answer = Response.Create().WithStatusCode(429).WithHeader("Content-Type", "application/json")
            .WithBody(retrySeconds is { } seconds ? $"{{\n\t\"retry-seconds\": {seconds},\n}}" : """{"message":"Too many requests"}""");
        return retryAfter is { } wait ? answer.WithHeader("Retry-After", $"{(int)wait.TotalSeconds}") : answer;
    }

    public static IResponseBuilder Error(int status, string message) => Json(status, new { message });

    public static IResponseBuilder Json(int status, object body) =>
        Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json")
            .WithBody(JsonSerializer.Serialize(body));

    /// <summary>The decoded path, compared ordinally (WireMock's own path matching would treat the forms of an address alike).</summary>
    private static Func<string, bool> Exactly(string path) => actual => string.Equals(actual, path, StringComparison.Ordinal);

    /// <summary>Compares the query exactly: no parameter missing, none extra.</summary>
    private static bool HasExactly(IDictionary<string, WireMockList<string>>? query, Dictionary<string, string> expected) =>
        (query?.Count ?? 0) == expected.Count
        && expected.All(pair => query!.TryGetValue(pair.Key, out var values) && string.Join(",", values) == pair.Value);

    public void Dispose()
    {
        if (_ownsServer)
            Server.Dispose();
    }
}
