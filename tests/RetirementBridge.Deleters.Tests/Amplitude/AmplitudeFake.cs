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

namespace RetirementBridge.Deleters.Tests.Amplitude;

/// <summary>
/// Amplitude's User Privacy API (v1) as far as the deleter uses it, with Amplitude's paths and bodies:
/// <c>POST /api/2/deletions/users</c> checks Basic <c>api_key:secret_key</c> and the JSON body, adds the known user ids
/// to the project's deletion job for <see cref="JobDay"/> and answers the list of jobs they went into;
/// <c>GET /api/2/deletions/users?start_day=&amp;end_day=</c> lists the jobs scheduled in that range (at most six months).
/// The fake keeps its jobs across mapping resets, so a test can accept a deletion and later move the job on.
/// Anything unexpected answers 418, so a wrong path shows up as a failure rather than as a 404.
/// </summary>
internal sealed class AmplitudeFake : IDisposable
{
    public const string ApiKey = "0123456789abcdef0123456789abcdef";
    public const string SecretKey = "fedcba9876543210fedcba9876543210";
    public const string DeletionsPath = "/api/2/deletions/users";

    /// <summary>The day the project's staging job runs: Amplitude schedules it 10 to 13 days after the first request.</summary>
    public const string JobDay = "2026-12-05";

    public const string RequestedOnDay = "2026-11-23";

    private static readonly string[] DocumentedFields =
        ["user_ids", "amplitude_ids", "ignore_invalid_id", "requester", "delete_from_org", "include_mapped_user_ids"];

    private readonly bool _ownsServer;
    private readonly Dictionary<string, FakeJob> _jobs = new(StringComparer.Ordinal);
    private readonly object _gate = new();

    /// <summary>A fake on a server of its own, with the 418 catch-all.</summary>
    public AmplitudeFake() : this(Loopback.StartFake(), ownsServer: true) =>
        Server.Given(Request.Create().UsingAnyMethod()).AtPriority(int.MaxValue)
            .RespondWith(Response.Create().WithStatusCode(418).WithBody("the fake has no mapping for this request"));

    /// <summary>A fake on <paramref name="server"/> (the conformance kit's, which has its own catch-all).</summary>
    public AmplitudeFake(WireMockServer server, bool ownsServer = false)
    {
        Server = server;
        _ownsServer = ownsServer;
    }

    public WireMockServer Server { get; }

    /// <summary>User ids the project has events for; the others come back as invalid ids. Null: every id is known.</summary>
    public HashSet<string>? KnownUserIds { get; set; }

    public IReadOnlyList<IRequestMessage> Requests => Server.LogEntries.Select(entry => entry.RequestMessage).ToList();

    public IReadOnlyList<IRequestMessage> Posts => Requests.Where(r => r.Method == "POST").ToList();

    public IReadOnlyList<IRequestMessage> Gets => Requests.Where(r => r.Method == "GET").ToList();

    public Dictionary<string, string?> Settings() => Settings(Server.Url!);

    public static Dictionary<string, string?> Settings(string baseUrl) => new()
    {
        ["Deleters:Amplitude:Enabled"] = "true",
        ["Deleters:Amplitude:ApiKey"] = ApiKey,
        ["Deleters:Amplitude:SecretKey"] = SecretKey,
        ["Deleters:Amplitude:BaseUrl"] = baseUrl,
        ["Deleters:Amplitude:Timeout"] = "00:00:10",
        // Amplitude's 1 request/s would only slow the tests down; the default is asserted on its own.
        ["Deleters:Amplitude:RateLimit:Requests"] = "1000",
    };

    /// <summary>POST adds the users to the job scheduled for <paramref name="days"/> (one job per day: as if one request
    /// landed in several jobs) and answers those jobs; <paramref name="asSingleObject"/>: the older one-job answer.</summary>
    public void AcceptsDeletions(string[]? days = null, bool asSingleObject = false, string? app = null) =>
        Server.Given(Request.Create().UsingPost().WithPath(DeletionsPath)).AtPriority(10)
            .RespondWith(Response.Create().WithCallback(request => Schedule(request, days ?? [JobDay], asSingleObject, app)));

    /// <summary>GET lists the fake's jobs whose day is within start_day..end_day (inclusive).</summary>
    public void ListsJobs() =>
        Server.Given(Request.Create().UsingGet().WithPath(DeletionsPath)).AtPriority(10)
            .RespondWith(Response.Create().WithCallback(List));

    /// <summary>Moves the job of <paramref name="day"/> on (staging, submitted, done), or creates it.</summary>
    public void SetJob(string day, string status)
    {
        lock (_gate)
        {
            if (!_jobs.TryGetValue(day, out var job))
                _jobs[day] = job = new FakeJob(day);
            job.Status = status;
        }
    }

    /// <summary>The job of <paramref name="day"/> disappears from the list (every user taken out of it).</summary>
    public void RemoveJob(string day)
    {
        lock (_gate)
            _jobs.Remove(day);
    }

    /// <summary>Every request to the endpoint answers 429, with Retry-After when <paramref name="wait"/> is given.</summary>
    public void RateLimited(TimeSpan? wait)
    {
        var response = Response.Create().WithStatusCode(429).WithHeader("Content-Type", "application/json")
            .WithBody("""{"error":"Too many requests for deletion"}""");
        if (wait is { } seconds)
            response = response.WithHeader("Retry-After", ((int)seconds.TotalSeconds).ToString(CultureInfo.InvariantCulture));
        Server.Given(Request.Create().WithPath(DeletionsPath)).AtPriority(1).RespondWith(response);
    }

    /// <summary>Every request to the endpoint gets this answer.</summary>
    public void Answers(int status, string body = "", string contentType = "application/json") =>
        Server.Given(Request.Create().WithPath(DeletionsPath)).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(status).WithHeader("Content-Type", contentType).WithBody(body));

    /// <summary>The JSON body of the <paramref name="n"/>th answer.</summary>
    public JsonNode Answer(int n = 0) => JsonNode.Parse(Server.LogEntries.ElementAt(n).ResponseMessage.BodyData!.BodyAsString!)!;

    /// <summary>The JSON body of the <paramref name="n"/>th POST.</summary>
    public JsonObject PostedBody(int n = 0) => JsonNode.Parse(Posts[n].Body!)!.AsObject();

    public static string Authorization => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{ApiKey}:{SecretKey}"));

    private IResponseMessage Schedule(IRequestMessage request, string[] days, bool asSingleObject, string? app)
    {
        if (!Authorised(request))
            return Text(401, "Invalid API key");
        if (!Header(request, "Content-Type").StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
            return Text(400, "Bad Request");

        JsonObject body;
        try
        {
            body = JsonNode.Parse(request.Body ?? "")?.AsObject() ?? throw new JsonException();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return Text(400, "Bad Request");
        }
        // Amplitude's documented body, as the deleter must send it: user ids as strings, at most 100 of them,
        // ignore_invalid_id "true" and a requester.
        if (body.Any(property => !DocumentedFields.Contains(property.Key))
            || body["user_ids"] is not JsonArray userIds || userIds.Count is 0 or > 100
            || userIds.Any(id => id?.GetValueKind() != JsonValueKind.String)
            || body["ignore_invalid_id"]?.GetValueKind() != JsonValueKind.String
            || body["requester"]?.GetValueKind() != JsonValueKind.String)
            return Text(400, "Bad Request");

        var requester = body["requester"]!.GetValue<string>();
        var ids = userIds.Select(id => id!.GetValue<string>()).ToList();
        var invalid = ids.Where(id => KnownUserIds is { } known && !known.Contains(id)).ToList();
        var answer = new JsonArray();
        lock (_gate)
        {
            foreach (var day in days)
            {
                if (!_jobs.TryGetValue(day, out var job))
                    _jobs[day] = job = new FakeJob(day);
                foreach (var id in ids.Except(invalid))
                    job.Users.Add((AmplitudeIdOf(id), requester));
                var json = job.ToJson(app);
                if (invalid.Count > 0)
                    json["invalid_ids"] = new JsonArray(invalid.Select(id => (JsonNode)JsonValue.Create(id)!).ToArray());
                answer.Add(json);
            }
        }
        return Json(200, asSingleObject ? answer[0]!.ToJsonString() : answer.ToJsonString());
    }

    private IResponseMessage List(IRequestMessage request)
    {
        if (!Authorised(request))
            return Text(401, "Invalid API key");
        if (!TryDay(request, "start_day", out var start) || !TryDay(request, "end_day", out var end)
            || end < start || end > start.AddMonths(6))
            return Text(400, "Bad Request");

        var answer = new JsonArray();
        lock (_gate)
        {
            foreach (var job in _jobs.Values.OrderBy(j => j.Day, StringComparer.Ordinal))
            {
                var day = DateOnly.ParseExact(job.Day, "yyyy-MM-dd", CultureInfo.InvariantCulture);
                if (day >= start && day <= end)
                    answer.Add(job.ToJson(app: null));
            }
        }
        return Json(200, answer.ToJsonString());
    }

    private static long AmplitudeIdOf(string userId) => 356896300000 + long.Parse(userId, CultureInfo.InvariantCulture);

    private static bool Authorised(IRequestMessage request) => Header(request, "Authorization") == Authorization;

    private static bool TryDay(IRequestMessage request, string name, out DateOnly day)
    {
        day = default;
        return request.Query is { } query && query.TryGetValue(name, out var values) && values.Count == 1
            && DateOnly.TryParseExact(values[0], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day);
    }

    public static string Header(IRequestMessage request, string name) =>
        request.Headers?.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value?.FirstOrDefault() ?? "";

    private static IResponseMessage Text(int status, string text) => Message(status, text, "text/plain");

    private static IResponseMessage Json(int status, string json) => Message(status, json, "application/json");

    private static IResponseMessage Message(int status, string body, string contentType)
    {
        var message = new ResponseMessage
        {
            StatusCode = status,
            BodyData = new BodyData { BodyAsString = body, DetectedBodyType = BodyType.String, Encoding = Encoding.UTF8 },
        };
        message.AddHeader("Content-Type", contentType);
        return message;
    }

    private sealed class FakeJob(string day)
    {
        public string Day { get; } = day;

        public string Status { get; set; } = "staging";

        public List<(long AmplitudeId, string Requester)> Users { get; } = [];

        public JsonObject ToJson(string? app)
        {
            var json = new JsonObject
            {
                ["day"] = Day,
                ["status"] = Status,
                ["amplitude_ids"] = new JsonArray(Users.Select(user => (JsonNode)new JsonObject
                {
                    ["amplitude_id"] = user.AmplitudeId,
                    ["requested_on_day"] = RequestedOnDay,
                    ["requester"] = user.Requester,
                }).ToArray()),
            };
            if (app is not null)
                json["app"] = app;
            return json;
        }
    }

    public void Dispose()
    {
        if (_ownsServer)
            Server.Dispose();
    }
}
