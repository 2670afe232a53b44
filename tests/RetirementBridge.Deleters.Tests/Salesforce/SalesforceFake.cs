using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using WireMock;
using WireMock.Matchers;
using WireMock.Matchers.Request;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Types;
using WireMock.Util;

namespace RetirementBridge.Deleters.Tests.Salesforce;

/// <summary>
/// A Salesforce org's REST API as far as the deleter uses it, with Salesforce's real paths, headers, bodies and error
/// answers: the client credentials token (<c>POST /services/oauth2/token</c>, a form), SOQL queries
/// (<c>GET /services/data/v62.0/query?q=…</c>, and <c>/query/{locator}</c> for further pages) and the sObject
/// Collections delete (<c>DELETE /services/data/v62.0/composite/sobjects?ids=…&amp;allOrNone=false</c>). Anything not
/// arranged answers 418, so a wrong path or an unexpected delete shows up as a failure rather than as a 404.
/// A query is matched by parsing its SOQL from the raw query string (an independent reading of the escaping), not by
/// comparing it with what the deleter's own code builds.
/// </summary>
internal sealed partial class SalesforceFake : IDisposable
{
    public const string ClientId = "3MVG9A2kN3Bn17hs8MIaQx1voVGy662rXlC37svtmLmt6wO_iik8Hnk3DlcYjKRvzVNGWLFlGRH1ryHwS217h";
    public const string ClientSecret = "B2F9C3C0A1D94E8F7A6B5C4D3E2F1A0B9C8D7E6F5A4B3C2D1E0F9A8B7C6D5E4F";
    public const string AccessToken = "00D5g000004XyzQ!AQ0AQHjEfakeAccessToken.for.tests_1";
    public const string RenewedToken = "00D5g000004XyzQ!AQ0AQKmRfakeRenewedToken.for.tests_2";
    public const string ApiVersion = "v62.0";
    public const string TokenPath = "/services/oauth2/token";
    public const string QueryPath = $"/services/data/{ApiVersion}/query";
    public const string DeletePath = $"/services/data/{ApiVersion}/composite/sobjects";

    /// <summary>sObject Collections takes at most 200 ids in one delete.</summary>
    public const int MaxIdsPerDelete = 200;

    private readonly bool _ownsServer;

    /// <param name="server">A server to arrange (the conformance kit's); null: a fresh one with the 418 catch-all.</param>
    public SalesforceFake(WireMockServer? server = null)
    {
        _ownsServer = server is null;
        Server = server ?? Loopback.StartFake();
        if (_ownsServer)
            Server.Given(Request.Create().UsingAnyMethod()).AtPriority(1000)
                .RespondWith(Response.Create().WithStatusCode(418).WithBody("the fake has no mapping for this request"));
    }

    public WireMockServer Server { get; }

    public IReadOnlyList<IRequestMessage> Requests => Server.LogEntries.Select(entry => entry.RequestMessage).ToList();

    public IReadOnlyList<IRequestMessage> TokenRequests => Requests.Where(r => r.Path == TokenPath).ToList();

    public IReadOnlyList<IRequestMessage> Queries => Requests.Where(r => r.Path.StartsWith(QueryPath, StringComparison.Ordinal)).ToList();

    public IReadOnlyList<IRequestMessage> Deletes => Requests.Where(r => r.Path == DeletePath).ToList();

    public Dictionary<string, string?> Settings() => Settings(Server.Url!);

    public static Dictionary<string, string?> Settings(string baseUrl) => new()
    {
        ["Deleters:Salesforce:Enabled"] = "true",
        ["Deleters:Salesforce:BaseUrl"] = baseUrl,
        ["Deleters:Salesforce:ClientId"] = ClientId,
        ["Deleters:Salesforce:ClientSecret"] = ClientSecret,
        // Generous: a process's first requests (JIT, WireMock's start) can take seconds on a loaded machine.
        ["Deleters:Salesforce:Timeout"] = "00:00:30",
    };

    // ---- the token ----

    /// <summary>
    /// <c>POST /services/oauth2/token</c> with exactly the client credentials form answers <paramref name="answer"/>,
    /// by default a token. (That it carries no Authorization header is checked in the deleter's tests.)
    /// </summary>
    public IRespondWithAProvider TokenRequest() =>
        Server.Given(Request.Create().UsingPost().WithPath(TokenPath)
                .WithHeader("Content-Type", "application/x-www-form-urlencoded*")
                .WithBody((string? body) => IsClientCredentialsForm(body)))
            .AtPriority(1);

    public void Token(IResponseBuilder? answer = null) => TokenRequest().RespondWith(answer ?? TokenIssued(AccessToken));

    /// <summary>The body is exactly <c>grant_type=client_credentials&amp;client_id=…&amp;client_secret=…</c> (any order).</summary>
    public static bool IsClientCredentialsForm(string? body)
    {
        if (body is null || Form(body) is not { } form)
            return false;
        return form.Count == 3
            && form.GetValueOrDefault("grant_type") == "client_credentials"
            && form.GetValueOrDefault("client_id") == ClientId
            && form.GetValueOrDefault("client_secret") == ClientSecret;
    }

    /// <summary>Salesforce's token answer (client credentials flow: no refresh token).</summary>
    public IResponseBuilder TokenIssued(string token) => Json(200, new Dictionary<string, object>
    {
        ["access_token"] = token,
        ["signature"] = "k3Jc9Y0m3k3e0QJrJdQv0mKx8Q2vJ7m9bQ1mGJ8m0ZQ=",
        ["scope"] = "api",
        ["instance_url"] = Server.Url!,
        ["id"] = $"{Server.Url}/id/00D5g000004XyzQEAS/0055g00000F1rstAAB",
        ["token_type"] = "Bearer",
        ["issued_at"] = "1795392000000",
    });

    /// <summary>The token endpoint's error: <c>{"error":"invalid_client","error_description":"invalid client credentials"}</c>.</summary>
    public static IResponseBuilder OAuthError(int status, string error, string description) =>
        Json(status, new Dictionary<string, object> { ["error"] = error, ["error_description"] = description });

    // ---- queries ----

    /// <summary>
    /// <c>GET …/query?q=SELECT Id, Email FROM {sobject} WHERE Email IN (…)</c> asking exactly these values (any order),
    /// with the bearer token, answers <paramref name="answer"/>.
    /// </summary>
    public void Query(string sobject, IEnumerable<string> values, IResponseBuilder answer, string token = AccessToken) =>
        QueryRequest(sobject, values, token).RespondWith(answer);

    public IRespondWithAProvider QueryRequest(string sobject, IEnumerable<string> values, string token = AccessToken)
    {
        var expected = values.ToHashSet(StringComparer.Ordinal);
        return Server.Given(((IRequestBuilder)Request.Create().UsingGet().WithPath(QueryPath)
                    .WithHeader("Authorization", $"Bearer {token}"))
                .Add(new RawQueryMatcher(query => query.Count == 1 && query.TryGetValue("q", out var soql)
                    && ParseFindByEmail(soql) is { } parsed && parsed.Object == sobject
                    && parsed.Values.Count == expected.Count && parsed.Values.ToHashSet(StringComparer.Ordinal).SetEquals(expected))))
            .AtPriority(1);
    }

    /// <summary>Any query of <paramref name="sobject"/> (or of any object) answers <paramref name="answer"/>.</summary>
    public void AnyQuery(IResponseBuilder answer, string? sobject = null) =>
        Server.Given(((IRequestBuilder)Request.Create().UsingGet().WithPath(QueryPath))
                .Add(new RawQueryMatcher(query => query.TryGetValue("q", out var soql)
                    && (sobject is null || ParseFindByEmail(soql)?.Object == sobject))))
            .AtPriority(5)
            .RespondWith(answer);

    /// <summary>The next page of a query: <c>GET …/query/{locator}</c> with the token.</summary>
    public void QueryMore(string locator, IResponseBuilder answer, string token = AccessToken) =>
        Server.Given(Request.Create().UsingGet().WithPath($"{QueryPath}/{locator}").WithHeader("Authorization", $"Bearer {token}"))
            .AtPriority(1)
            .RespondWith(answer);

    /// <summary>What the deleter asks for an address: as typed and, when different, lower-cased.</summary>
    public static IEnumerable<string> ValuesFor(string email) => new[] { email, email.ToLowerInvariant() }.Distinct(StringComparer.Ordinal);

    public static IEnumerable<string> ValuesFor(IEnumerable<ErasureItem> items) => items.SelectMany(item => ValuesFor(item.Learner.Email));

    /// <summary>A query's answer in one page: <c>{"totalSize":N,"done":true,"records":[{"attributes":…,"Id":…,"Email":…}]}</c>.</summary>
    public static IResponseBuilder Records(string sobject, params (string Id, string Email)[] records) =>
        Page(sobject, records.Length, nextLocator: null, records);

    public static IResponseBuilder NoRecords() => Page("Lead", 0, nextLocator: null);

    /// <summary>One page of a query's answer; with <paramref name="nextLocator"/>, <c>done</c> is false and <c>nextRecordsUrl</c> names it.</summary>
    public static IResponseBuilder Page(string sobject, int totalSize, string? nextLocator, params (string Id, string Email)[] records)
    {
        var body = new Dictionary<string, object>
        {
            ["totalSize"] = totalSize,
            ["done"] = nextLocator is null,
        };
        if (nextLocator is not null)
            body["nextRecordsUrl"] = $"{QueryPath}/{nextLocator}";
        body["records"] = records.Select(r => new Dictionary<string, object>
        {
            ["attributes"] = new Dictionary<string, string> { ["type"] = sobject, ["url"] = $"/services/data/{ApiVersion}/sobjects/{sobject}/{r.Id}" },
            ["Id"] = r.Id,
            ["Email"] = r.Email,
        }).ToArray();
        return Json(200, body);
    }

    // ---- deletes ----

    /// <summary>
    /// <c>DELETE …/composite/sobjects?ids={ids in this order, comma-separated}&amp;allOrNone=false</c> with the token
    /// answers <paramref name="answer"/>.
    /// </summary>
    public void Delete(IReadOnlyList<string> ids, IResponseBuilder answer, string token = AccessToken) =>
        Server.Given(((IRequestBuilder)Request.Create().UsingDelete().WithPath(DeletePath).WithHeader("Authorization", $"Bearer {token}"))
                .Add(new RawQueryMatcher(query => query.Count == 2
                    && query.GetValueOrDefault("ids") == string.Join(",", ids)
                    && query.GetValueOrDefault("allOrNone") == "false")))
            .AtPriority(1)
            .RespondWith(answer);

    /// <summary>
    /// <c>DELETE …/composite/sobjects?ids=…&amp;allOrNone=false</c> naming exactly these records, in any order, with
    /// the token, answers as the org would: 200 with a DeleteResult per id in the order the request named them, a
    /// success where <paramref name="records"/> has no status code, else a failure with that code.
    /// </summary>
    /// <param name="anySubset">Also answer a request naming only some of the records (several deletes of one batch).</param>
    public void DeleteRecords(IReadOnlyDictionary<string, string?> records, string token = AccessToken, bool anySubset = false) =>
        Server.Given(((IRequestBuilder)Request.Create().UsingDelete().WithPath(DeletePath).WithHeader("Authorization", $"Bearer {token}"))
                .Add(new RawQueryMatcher(query => query.Count == 2
                    && query.GetValueOrDefault("allOrNone") == "false"
                    && query.GetValueOrDefault("ids")?.Split(',') is { Length: > 0 and <= MaxIdsPerDelete } ids
                    && ids.Distinct(StringComparer.Ordinal).Count() == ids.Length
                    && (anySubset ? ids.All(records.ContainsKey) : ids.Length == records.Count && ids.All(records.ContainsKey)))))
            .AtPriority(1)
            .RespondWith(Response.Create().WithCallback(request =>
            {
                var ids = ParseQueryString(request.RawQuery)!["ids"].Split(',');
                var body = JsonSerializer.Serialize(ids.Select(id => DeleteResult(id, records[id])).ToArray());
                var message = new ResponseMessage
                {
                    StatusCode = 200,
                    BodyData = new BodyData { BodyAsString = body, DetectedBodyType = BodyType.String, Encoding = Encoding.UTF8 },
                };
                message.AddHeader("Content-Type", "application/json;charset=UTF-8");
                return message;
            }));

    /// <summary>Every id deleted: 200 with one <c>{"id":…,"success":true,"errors":[]}</c> per id.</summary>
    public static IResponseBuilder AllDeleted(IEnumerable<string> ids) => DeleteResults(ids.Select(id => (id, (string?)null)).ToArray());

    /// <summary>
    /// 200 with a DeleteResult per id, in order: a null status code is a success; a failure carries no id, as
    /// Salesforce's example shows, and the code with a message.
    /// </summary>
    public static IResponseBuilder DeleteResults(params (string Id, string? StatusCode)[] results) =>
        Json(200, results.Select(r => DeleteResult(r.Id, r.StatusCode)).ToArray());

    private static Dictionary<string, object> DeleteResult(string id, string? statusCode) => statusCode is null
        ? new Dictionary<string, object> { ["id"] = id, ["success"] = true, ["errors"] = Array.Empty<object>() }
        : new Dictionary<string, object>
        {
            ["success"] = false,
            ["errors"] = new object[]
            {
                new Dictionary<string, object>
                {
                    ["statusCode"] = statusCode,
                    ["message"] = statusCode == "ENTITY_IS_DELETED" ? "entity is deleted" : $"cannot delete record {id}",
                    ["fields"] = Array.Empty<string>(),
                },
            },
        };

    // ---- errors ----

    /// <summary>The REST API's error body: <c>[{"message":…,"errorCode":…}]</c>.</summary>
    public static IResponseBuilder Errors(int status, string errorCode, string message) =>
        Json(status, new object[] { new Dictionary<string, object> { ["message"] = message, ["errorCode"] = errorCode } });

    /// <summary>The daily allocation is used up: 403 REQUEST_LIMIT_EXCEEDED ("TotalRequests Limit exceeded.").</summary>
    public static IResponseBuilder QuotaExceeded() => Errors(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.");

    /// <summary>An expired or revoked token: 401 INVALID_SESSION_ID.</summary>
    public static IResponseBuilder SessionExpired() => Errors(401, "INVALID_SESSION_ID", "Session expired or invalid");

    public static IResponseBuilder Json(int status, object body) =>
        Response.Create().WithStatusCode(status)
            .WithHeader("Content-Type", "application/json;charset=UTF-8")
            .WithBody(JsonSerializer.Serialize(body));

    // ---- ids ----

    /// <summary>An 18-character Lead id (key prefix 00Q) numbered <paramref name="n"/>.</summary>
    public static string LeadId(long n) => $"00Q5g00000{n:D5}AAA";

    /// <summary>An 18-character Contact id (key prefix 003) numbered <paramref name="n"/>.</summary>
    public static string ContactId(long n) => $"0035g00000{n:D5}AAA";

    /// <summary>The ids one logged delete named, in order.</summary>
    public static string[] DeletedIds(IRequestMessage delete) => ParseQueryString(delete.RawQuery)!["ids"].Split(',');

    // ---- reading what arrived ----

    /// <summary>The query string as Salesforce reads it: split on <c>&amp;</c>, each side percent-decoded (+ is a space).</summary>
    public static IReadOnlyDictionary<string, string>? ParseQueryString(string? raw)
    {
        var query = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrEmpty(raw))
            return query;
        foreach (var pair in raw.TrimStart('?').Split('&'))
        {
            var parts = pair.Split('=', 2);
            var key = Decode(parts[0]);
            if (!query.TryAdd(key, parts.Length > 1 ? Decode(parts[1]) : ""))
                return null;
        }
        return query;

        static string Decode(string text) => Uri.UnescapeDataString(text.Replace('+', ' '));
    }

    /// <summary>A form body as a server reads it.</summary>
    public static IReadOnlyDictionary<string, string>? Form(string body) => ParseQueryString(body);

    /// <summary>
    /// Reads <c>SELECT Id, Email FROM {object} WHERE Email IN ('…', …)</c> by SOQL's rules: inside a literal, a
    /// backslash escapes <c>\</c> or <c>'</c> (any other escape is refused here, as the deleter never needs one), and a
    /// bare quote ends it. Null for anything else, so a query an address broke out of never matches.
    /// </summary>
    public static (string Object, List<string> Values)? ParseFindByEmail(string soql)
    {
        var match = FindByEmailFormat().Match(soql);
        if (!match.Success)
            return null;
        var list = match.Groups["list"].Value;
        var values = new List<string>();
        var i = 0;
        while (true)
        {
            if (i >= list.Length || list[i] != '\'')
                return null;
            i++;
            var value = new StringBuilder();
            while (true)
            {
                if (i >= list.Length)
                    return null;
                var c = list[i++];
                if (c == '\'')
                    break;
                if (c == '\\')
                {
                    if (i >= list.Length || list[i] is not ('\\' or '\''))
                        return null;
                    c = list[i++];
                }
                value.Append(c);
            }
            values.Add(value.ToString());
            if (i == list.Length)
                return (match.Groups["object"].Value, values);
            if (!list.AsSpan(i).StartsWith(", "))
                return null;
            i += 2;
        }
    }

    /// <summary>The values one logged query asked for.</summary>
    public static List<string> AskedValues(IRequestMessage query) =>
        ParseFindByEmail(ParseQueryString(query.RawQuery)!["q"])!.Value.Values;

    [GeneratedRegex("^SELECT Id, Email FROM (?<object>[A-Za-z]+) WHERE Email IN \\((?<list>.*)\\)$", RegexOptions.Singleline)]
    private static partial Regex FindByEmailFormat();

    public void Dispose()
    {
        if (_ownsServer)
            Server.Dispose();
    }

    /// <summary>Matches on the raw query string, decoded as a server does: WireMock's own parameter matching splits values on commas.</summary>
    private sealed class RawQueryMatcher(Func<IReadOnlyDictionary<string, string>, bool> predicate) : IRequestMatcher
    {
        public double GetMatchingScore(IRequestMessage requestMessage, IRequestMatchResult requestMatchResult)
        {
            var score = MatchScores.ToScore(ParseQueryString(requestMessage.RawQuery) is { } query && predicate(query));
            requestMatchResult.AddScore(GetType(), score, null);
            return score;
        }
    }
}
