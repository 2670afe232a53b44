using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Types;
using WireMock.Util;

namespace RetirementBridge.Deleters.Tests.SendGrid;

/// <summary>
/// Twilio SendGrid's Marketing Campaigns contacts API as far as the deleter uses it, with SendGrid's real paths,
/// bodies, headers and status codes (from its v3 OpenAPI description, tsg_mc_contacts_v3):
/// <list type="bullet">
/// <item><c>POST /v3/marketing/contacts/search/emails</c> <c>{"emails":[...]}</c> answers from the fake's
/// <see cref="Contact">directory</see>: 200 <c>{"result":{address:{"contact":{...}}|{"error":"contact not found"}}}</c>
/// when any address is a contact, 404 <c>{"errors":[...]}</c> when none is, 400 when any is one SendGrid
/// <see cref="Refuses"/> (its message quotes the address, as provider text may).</item>
/// <item><c>DELETE /v3/marketing/contacts?ids=a,b</c> answers 202 <c>{"job_id":...}</c> only for exactly the ids expected.</item>
/// <item><c>GET /v3/marketing/contacts/count</c> answers <c>{"contact_count":N}</c>.</item>
/// <item><c>GET /v3/marketing/contacts/imports/{id}</c> reports a job <c>pending|completed|errored|failed</c>.</item>
/// </list>
/// Every answer carries SendGrid's <c>X-RateLimit-*</c> headers. Anything else answers 418, so a wrong path, body or
/// key shows up as a failure rather than as a 404 that could read as "not there".
/// </summary>
internal sealed class SendGridFake : IDisposable
{
    /// <summary>A key in SendGrid's format (SG.&lt;id&gt;.&lt;secret&gt;); made up.</summary>
    public const string ApiKey = "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";

    /// <summary>A deletion job id as SendGrid gives them (a UUID).</summary>
    public const string JobId = "2387e363-4104-4225-8960-4a5758492351";

    public const string SearchPath = "/v3/marketing/contacts/search/emails";

    public const string ContactsPath = "/v3/marketing/contacts";

    public const string ImportsPath = "/v3/marketing/contacts/imports/";

    public const string CountPath = "/v3/marketing/contacts/count";

    private readonly bool _ownsServer;
    private readonly object _gate = new();
    private readonly Dictionary<string, (string Id, string Email, string[] Alternates)> _contacts = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _refused = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>A fake on its own loopback server, with the 418 catch-all.</summary>
    public SendGridFake()
    {
        Server = Loopback.StartFake();
        _ownsServer = true;
        Server.Given(Request.Create().UsingAnyMethod()).AtPriority(1000)
            .RespondWith(Response.Create().WithStatusCode(418).WithBody("the fake has no mapping for this request"));
    }

    /// <summary>SendGrid's answers on a server someone else owns (the conformance kit's, which has its own catch-all).</summary>
    public SendGridFake(WireMockServer server) => Server = server;

    public WireMockServer Server { get; }

    public IReadOnlyList<IRequestMessage> Requests => Server.LogEntries.Select(entry => entry.RequestMessage).ToList();

    public IReadOnlyList<IRequestMessage> Searches => Requests.Where(r => r.Method == "POST" && r.Path == SearchPath).ToList();

    public IReadOnlyList<IRequestMessage> Deletes => Requests.Where(r => r.Method == "DELETE").ToList();

    public IReadOnlyList<IRequestMessage> Counts => Requests.Where(r => r.Method == "GET" && r.Path == CountPath).ToList();

    public IReadOnlyList<IRequestMessage> JobChecks =>
        Requests.Where(r => r.Method == "GET" && r.Path.StartsWith(ImportsPath, StringComparison.Ordinal)).ToList();

    public Dictionary<string, string?> Settings() => Settings(Server.Url!);

    public static Dictionary<string, string?> Settings(string baseUrl) => new()
    {
        ["Deleters:SendGrid:Enabled"] = "true",
        ["Deleters:SendGrid:ApiKey"] = ApiKey,
        ["Deleters:SendGrid:BaseUrl"] = baseUrl,
        ["Deleters:SendGrid:Timeout"] = "00:00:10",
    };

    /// <summary>The contact id the fake gives learner <paramref name="lmsUserId"/>: a UUID, as SendGrid's are.</summary>
    public static string ContactId(long lmsUserId) => $"0b6a7c1e-5f2d-4e8a-9c3b-{lmsUserId:D12}";

    public static string ContactId(ErasureItem item) => ContactId(item.Learner.LmsUserId);

    /// <summary>Adds a contact to the account: SendGrid stores its addresses in lower case.</summary>
    public void Contact(string email, string id, params string[] alternateEmails)
    {
        lock (_gate)
        {
            var contact = (id, email.ToLowerInvariant(), alternateEmails.Select(a => a.ToLowerInvariant()).ToArray());
            _contacts[email] = contact;
            foreach (var alternate in alternateEmails)
                _contacts[alternate] = contact;
        }
    }

    /// <summary>Each of these learners is a contact, with <see cref="ContactId(ErasureItem)"/>.</summary>
    public void Contacts(IEnumerable<ErasureItem> items)
    {
        foreach (var item in items)
            Contact(item.Learner.Email, ContactId(item));
    }

    /// <summary>SendGrid refuses any search holding this address (400).</summary>
    public void Refuses(string email)
    {
        lock (_gate)
            _refused.Add(email);
    }

    /// <summary>
    /// <c>POST /v3/marketing/contacts/search/emails</c> answers from the directory, as SendGrid does, and so does
    /// <c>GET /v3/marketing/contacts/count</c> (what the deleter asks after a search that found nobody).
    /// </summary>
    public void SearchAnswers(int priority = 10)
    {
        Server.Given(Request.Create().UsingPost().WithPath(SearchPath)).AtPriority(priority)
            .RespondWith(Response.Create().WithCallback(Search));
        Server.Given(Request.Create().UsingGet().WithPath(CountPath).WithHeader("Authorization", $"Bearer {ApiKey}")).AtPriority(priority)
            .RespondWith(Response.Create().WithCallback(_ => Count()));
    }

    /// <summary><c>GET /v3/marketing/contacts/count</c> answers <paramref name="answer"/>.</summary>
    public void CountAnswers(IResponseBuilder answer, int priority = 1) =>
        Server.Given(Request.Create().UsingGet().WithPath(CountPath)).AtPriority(priority).RespondWith(answer);

    /// <summary><c>POST /v3/marketing/contacts/search/emails</c> answers <paramref name="answer"/>, whatever it asks.</summary>
    public void SearchAnswers(IResponseBuilder answer, int priority = 1) =>
        Server.Given(Request.Create().UsingPost().WithPath(SearchPath)).AtPriority(priority).RespondWith(answer);

    /// <summary>
    /// <c>DELETE /v3/marketing/contacts</c> with the key and exactly the ids <paramref name="ids"/> (in any order, each
    /// once, and no other parameter: never <c>delete_all_contacts</c>) answers 202 with <paramref name="jobId"/>.
    /// </summary>
    public void DeleteAccepts(IEnumerable<string> ids, string jobId = JobId, int priority = 10)
    {
        var expected = ids.ToList();
        Server.Given(Request.Create().UsingDelete().WithPath(ContactsPath).WithHeader("Authorization", $"Bearer {ApiKey}")
                .WithParam(query => IdsAre(query, expected)))
            .AtPriority(priority)
            .RespondWith(Json(202, new JsonObject { ["job_id"] = jobId }));
    }

    /// <summary><c>DELETE /v3/marketing/contacts</c> answers <paramref name="answer"/>, whatever it asks.</summary>
    public void DeleteAnswers(IResponseBuilder answer, int priority = 1) =>
        Server.Given(Request.Create().UsingDelete().WithPath(ContactsPath)).AtPriority(priority).RespondWith(answer);

    /// <summary><c>GET /v3/marketing/contacts/imports/{jobId}</c> reports the job with <paramref name="status"/>.</summary>
    public void Job(string jobId, string status, string jobType = "delete", int count = 3, int priority = 10) =>
        Server.Given(Request.Create().UsingGet().WithPath(ImportsPath + jobId).WithHeader("Authorization", $"Bearer {ApiKey}"))
            .AtPriority(priority)
            .RespondWith(Json(200, JobBody(jobId, status, jobType, count)));

    /// <summary><c>GET /v3/marketing/contacts/imports/{jobId}</c> answers <paramref name="answer"/>.</summary>
    public void JobAnswers(string jobId, IResponseBuilder answer, int priority = 1) =>
        Server.Given(Request.Create().UsingGet().WithPath(ImportsPath + jobId)).AtPriority(priority).RespondWith(answer);

    /// <summary>The ContactImport body of the import status endpoint for a deletion job.</summary>
    public static JsonObject JobBody(string jobId, string status, string jobType = "delete", int count = 3)
    {
        var finished = status is "completed" or "errored" or "failed";
        return new JsonObject
        {
            ["id"] = jobId,
            ["status"] = status,
            ["job_type"] = jobType,
            ["results"] = new JsonObject
            {
                ["requested_count"] = count,
                ["created_count"] = 0,
                ["updated_count"] = 0,
                ["deleted_count"] = status == "completed" ? count : status == "errored" ? count - 1 : 0,
                ["errored_count"] = status == "errored" ? 1 : status == "failed" ? count : 0,
                ["errors_url"] = status is "errored" or "failed" ? $"https://sendgrid-export.s3.amazonaws.com/errors/{jobId}.csv" : null,
            },
            ["started_at"] = "2026-11-23T17:28:04Z",
            ["finished_at"] = finished ? "2026-11-23T17:29:51Z" : null,
        };
    }

    /// <summary>
    /// SendGrid's 429: <c>X-RateLimit-Remaining: 0</c>, <c>X-RateLimit-Reset</c> the Unix time the window resets
    /// (when <paramref name="wait"/> is given), and <c>{"errors":[{"field":null,"message":"too many requests"}]}</c>.
    /// </summary>
    public static IResponseBuilder TooManyRequests(TimeSpan? wait, DateTimeOffset? now = null)
    {
        var answer = Response.Create().WithStatusCode(429).WithHeader("Content-Type", "application/json")
            .WithHeader("X-RateLimit-Limit", "600").WithHeader("X-RateLimit-Remaining", "0")
            .WithBody("""{"errors":[{"field":null,"message":"too many requests"}]}""");
        if (wait is { } delay)
            answer = answer.WithHeader("X-RateLimit-Reset",
                ((now ?? DateTimeOffset.UtcNow) + delay).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        return answer;
    }

    /// <summary>SendGrid's ErrorResponse: <c>{"errors":[{"field":...,"message":...}]}</c>.</summary>
    public static IResponseBuilder Errors(int status, string message, string? field = null) =>
        Json(status, new JsonObject
        {
            ["errors"] = new JsonArray { new JsonObject { ["field"] = field, ["message"] = message } },
        });

    public static IResponseBuilder Json(int status, JsonNode body) =>
        Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json")
            .WithHeader("X-RateLimit-Limit", "600").WithHeader("X-RateLimit-Remaining", "599")
            .WithHeader("X-RateLimit-Reset", DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture))
            .WithBody(body.ToJsonString());

    /// <summary>The addresses of a recorded search, in the order sent.</summary>
    public static IReadOnlyList<string> EmailsOf(IRequestMessage search) =>
        JsonNode.Parse(search.Body!)!["emails"]!.AsArray().Select(email => email!.GetValue<string>()).ToList();

    /// <summary>The ids of a recorded delete, as SendGrid reads its <c>ids</c> parameter (one comma-separated value).</summary>
    public static IReadOnlyList<string> IdsOf(IRequestMessage delete) =>
        string.Join(",", delete.Query!["ids"]).Split(',');

    private IResponseMessage Search(IRequestMessage request)
    {
        if (Header(request, "Authorization") != $"Bearer {ApiKey}")
            return Message(401, """{"errors":[{"field":null,"message":"authorization required"}]}""");
        if (!Header(request, "Content-Type").StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
            return Message(415, """{"errors":[{"field":null,"message":"content type must be application/json"}]}""");

        List<string> emails;
        try
        {
            // Exactly the documented body for an email search: {"emails":[strings]}, each at most 100 characters,
            // and (the answer holds up to 100 contacts) at most 100 of them.
            if (JsonNode.Parse(request.Body ?? "") is not JsonObject body || body.Count != 1 || body["emails"] is not JsonArray list
                || list.Count is 0 or > 100 || list.Any(e => e?.GetValueKind() != JsonValueKind.String))
                return BadRequest("emails", "emails must be an array of 1 to 100 addresses");
            emails = list.Select(e => e!.GetValue<string>()).ToList();
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return BadRequest(null, "invalid JSON");
        }

        lock (_gate)
        {
            if (emails.FirstOrDefault(e => e.Length > 100 || _refused.Contains(e)) is { } invalid)
                return BadRequest("emails", $"{invalid} is not a valid email address");
            var result = new JsonObject();
            var any = false;
            foreach (var email in emails.Where(e => e.Length > 0))
            {
                if (_contacts.TryGetValue(email, out var contact))
                {
                    any = true;
                    result[email.ToLowerInvariant()] = new JsonObject { ["contact"] = ContactBody(contact.Id, contact.Email, contact.Alternates) };
                }
                else
                {
                    result[email.ToLowerInvariant()] = new JsonObject { ["error"] = "contact not found" };
                }
            }
            // SendGrid: "This endpoint returns a 404 status code when no contacts are found for the provided email
            // address(es)". The message text is not documented; the deleter reads only the body's shape.
            return any
                ? Message(200, new JsonObject { ["result"] = result }.ToJsonString())
                : Message(404, """{"errors":[{"field":null,"message":"contacts not found"}]}""");
        }
    }

    /// <summary>"Get Total Contact Count": <c>{"contact_count":N,"billable_count":N}</c>.</summary>
    private IResponseMessage Count()
    {
        lock (_gate)
        {
            var count = _contacts.Values.Select(contact => contact.Id).Distinct(StringComparer.Ordinal).Count();
            return Message(200, new JsonObject { ["contact_count"] = count, ["billable_count"] = count }.ToJsonString());
        }
    }

    /// <summary>A ContactDetails3 as SendGrid returns it: the whole contact, personal data included.</summary>
    private static JsonObject ContactBody(string id, string email, string[] alternates) => new()
    {
        ["address_line_1"] = "",
        ["address_line_2"] = "",
        ["alternate_emails"] = new JsonArray(alternates.Select(a => (JsonNode)JsonValue.Create(a)!).ToArray()),
        ["city"] = "",
        ["country"] = "",
        ["email"] = email,
        ["first_name"] = "Jane",
        ["id"] = id,
        ["last_name"] = "Doe",
        ["list_ids"] = new JsonArray("ca7a3796-e8a8-4029-9ccb-df8937940562"),
        ["segment_ids"] = new JsonArray(),
        ["postal_code"] = "",
        ["state_province_region"] = "",
        ["phone_number"] = "",
        ["whatsapp"] = "",
        ["line"] = "",
        ["facebook"] = "",
        ["unique_name"] = "",
        ["custom_fields"] = new JsonObject(),
        ["created_at"] = "2021-03-02T15:25:47Z",
        ["updated_at"] = "2021-03-30T15:26:16Z",
        ["_metadata"] = new JsonObject { ["self"] = $"https://api.sendgrid.com/v3/marketing/contacts/{id}" },
    };

    /// <summary>
    /// Exactly one parameter, <c>ids</c>, holding each expected id once. WireMock splits a query value on commas, so the
    /// values are joined again before they are compared.
    /// </summary>
    private static bool IdsAre(IDictionary<string, WireMockList<string>> query, IReadOnlyList<string> expected)
    {
        if (query.Count != 1 || !query.TryGetValue("ids", out var values))
            return false;
        var sent = string.Join(",", values).Split(',');
        return sent.Length == expected.Count && sent.Distinct(StringComparer.Ordinal).Count() == sent.Length
            && sent.ToHashSet(StringComparer.Ordinal).SetEquals(expected);
    }

    private static IResponseMessage BadRequest(string? field, string message) =>
        Message(400, new JsonObject
        {
            ["errors"] = new JsonArray { new JsonObject { ["field"] = field, ["message"] = message } },
        }.ToJsonString());

    public static string Header(IRequestMessage request, string name) =>
        request.Headers?.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value?.FirstOrDefault() ?? "";

    private static IResponseMessage Message(int status, string json)
    {
        var message = new ResponseMessage
        {
            StatusCode = status,
            BodyData = new BodyData { BodyAsString = json, DetectedBodyType = BodyType.String, Encoding = Encoding.UTF8 },
        };
        message.AddHeader("Content-Type", "application/json");
        message.AddHeader("X-RateLimit-Limit", "600");
        message.AddHeader("X-RateLimit-Remaining", "599");
        message.AddHeader("X-RateLimit-Reset", DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        return message;
    }

    public void Dispose()
    {
        if (_ownsServer)
            Server.Dispose();
    }
}
