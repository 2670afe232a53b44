using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace RetirementBridge.Deleters.Tests.Segment;

/// <summary>
/// The Segment Public API's Deletion and Suppression endpoints as far as the deleter uses them, with Segment's real
/// paths, bodies (<c>{"data":...}</c> envelopes, <c>{"errors":[...]}</c> failures), status codes and headers: 429s
/// carry <c>errors[].data.msBeforeNext</c>. Anything else answers 418, so a wrong path or body shows up as a failure
/// rather than as a 404 that could read as "not there".
/// </summary>
internal sealed class SegmentFake : IDisposable
{
    public const string Token = "sgp_Fh3kD9qLm2Xv8RtYp4WzNc6BjA1sE5uG7oKiHq0TlVd";

    /// <summary>A regulation id in Segment's format (the example in Segment's API reference).</summary>
    public const string RegulateId = "1qJkfE1tpwvQcklImGksLN629wn";

    public const string WorkspaceId = "9aQ1Lj62S4bomZKLF4DPqW";

    /// <summary>The media type the Public API answers v1 requests with.</summary>
    public const string MediaType = "application/vnd.segment.v1+json";

    private readonly bool _ownsServer;

    /// <summary>A fake on its own loopback server, with the 418 catch-all.</summary>
    public SegmentFake()
    {
        Server = Loopback.StartFake();
        _ownsServer = true;
        Server.Given(Request.Create().UsingAnyMethod()).AtPriority(1000)
            .RespondWith(Response.Create().WithStatusCode(418).WithBody("the fake has no mapping for this request"));
    }

    /// <summary>Segment's answers on a server someone else owns (the conformance kit's, which has its own catch-all).</summary>
    public SegmentFake(WireMockServer server) => Server = server;

    public WireMockServer Server { get; }

    public IReadOnlyList<IRequestMessage> Requests => Server.LogEntries.Select(entry => entry.RequestMessage).ToList();

    public IReadOnlyList<IRequestMessage> Creates =>
        Requests.Where(r => r.Method == "POST" && r.Path == "/regulations").ToList();

    public IReadOnlyList<IRequestMessage> Checks =>
        Requests.Where(r => r.Method == "GET" && r.Path.StartsWith("/regulations/", StringComparison.Ordinal)).ToList();

    public Dictionary<string, string?> Settings() => Settings(Server.Url!);

    public static Dictionary<string, string?> Settings(string baseUrl) => new()
    {
        ["Deleters:Segment:Enabled"] = "true",
        ["Deleters:Segment:Token"] = Token,
        ["Deleters:Segment:BaseUrl"] = baseUrl,
        ["Deleters:Segment:Timeout"] = "00:00:10",
    };

    /// <summary>
    /// <c>POST /regulations</c> creates <paramref name="regulateId"/>, but only for a body that is exactly a
    /// SUPPRESS_WITH_DELETE of USER_ID subjects <paramref name="subjectIds"/> (in that order), or for any well-formed
    /// body when <paramref name="subjectIds"/> is null.
    /// </summary>
    public void CreatesRegulation(IReadOnlyList<string>? subjectIds = null, string regulateId = RegulateId, int priority = 1) =>
        Server.Given(Request.Create().UsingPost().WithPath("/regulations")
                .WithBody((string? body) => body is not null && IsRegulationBody(body, subjectIds)))
            .AtPriority(priority)
            .RespondWith(Json(200, new JsonObject { ["data"] = new JsonObject { ["regulateId"] = regulateId } })
                .WithHeader("X-Regulation-RateLimit-Remaining", "99")
                .WithHeader("X-Regulation-RateLimit-Quota-Reset", DateTimeOffset.UtcNow.AddDays(1).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture))
                .WithHeader("X-RateLimit-Remaining", "20")
                .WithHeader("X-RateLimit-Consumed", "1"));

    /// <summary><c>POST /regulations</c> answers <paramref name="answer"/>.</summary>
    public void CreateAnswers(IResponseBuilder answer, int priority = 1) =>
        Server.Given(Request.Create().UsingPost().WithPath("/regulations")).AtPriority(priority).RespondWith(answer);

    /// <summary><c>GET /regulations/{regulateId}</c> reports the regulation with <paramref name="overallStatus"/>.</summary>
    public void Regulation(string regulateId, string overallStatus, int priority = 1) =>
        Server.Given(Request.Create().UsingGet().WithPath($"/regulations/{regulateId}")).AtPriority(priority)
            .RespondWith(Json(200, RegulationBody(regulateId, overallStatus)));

    /// <summary><c>GET /regulations/{regulateId}</c> answers <paramref name="answer"/>.</summary>
    public void RegulationAnswers(string regulateId, IResponseBuilder answer, int priority = 1) =>
        Server.Given(Request.Create().UsingGet().WithPath($"/regulations/{regulateId}")).AtPriority(priority).RespondWith(answer);

    /// <summary>The body of a <c>GET /regulations/{id}</c> answer (GetRegulationV1Output), one warehouse stream.</summary>
    public static JsonObject RegulationBody(string regulateId, string overallStatus)
    {
        var finished = overallStatus is "FINISHED" or "FAILED" or "PARTIAL_SUCCESS" or "INVALID" or "NOT_SUPPORTED";
        return new JsonObject
        {
            ["data"] = new JsonObject
            {
                ["regulation"] = new JsonObject
                {
                    ["id"] = regulateId,
                    ["workspaceId"] = WorkspaceId,
                    ["overallStatus"] = overallStatus,
                    ["createdAt"] = "2026-11-20T09:14:07.000Z",
                    ["finishedAt"] = finished ? "2026-11-23T17:40:52.000Z" : "",
                    ["streamStatus"] = new JsonArray
                    {
                        new JsonObject
                        {
                            ["id"] = "rs_2BRXpo8jXhYu4bQ6vmMqNSOfH1d",
                            ["destinationStatus"] = new JsonArray
                            {
                                new JsonObject
                                {
                                    ["name"] = "Segment",
                                    ["id"] = "segment",
                                    ["status"] = overallStatus,
                                    ["errString"] = overallStatus == "FAILED" ? "deletion failed for subject learner_2" : "",
                                    ["finishedAt"] = finished ? "2026-11-23T17:40:52.000Z" : "",
                                },
                            },
                        },
                    },
                },
            },
        };
    }

    /// <summary>Segment's 429: <c>{"errors":[{"type":"RequestError","message":"Too many requests","data":{...}}]}</c>.</summary>
    public static IResponseBuilder TooManyRequests(TimeSpan? msBeforeNext)
    {
        var error = new JsonObject { ["type"] = "RequestError", ["message"] = "Too many requests" };
        if (msBeforeNext is { } wait)
            error["data"] = new JsonObject
            {
                ["remainingPoints"] = 0,
                ["msBeforeNext"] = (long)wait.TotalMilliseconds,
                ["consumedPoints"] = 21,
            };
        return Json(429, new JsonObject { ["errors"] = new JsonArray { error } });
    }

    /// <summary>A Public API failure: <c>{"errors":[{"type":...,"message":...}]}</c>.</summary>
    public static IResponseBuilder Error(int status, string type, string message) =>
        Json(status, new JsonObject
        {
            ["errors"] = new JsonArray { new JsonObject { ["type"] = type, ["message"] = message } },
        });

    public static IResponseBuilder Json(int status, JsonNode body) =>
        Response.Create().WithStatusCode(status).WithHeader("Content-Type", MediaType).WithBody(body.ToJsonString());

    /// <summary>The subject ids of a recorded <c>POST /regulations</c>.</summary>
    public static IReadOnlyList<string> SubjectIdsOf(IRequestMessage request) =>
        JsonNode.Parse(request.Body!)!["subjectIds"]!.AsArray().Select(id => id!.GetValue<string>()).ToList();

    /// <summary>Exactly the three documented fields, with SUPPRESS_WITH_DELETE and USER_ID.</summary>
    private static bool IsRegulationBody(string? body, IReadOnlyList<string>? subjectIds)
    {
        if (string.IsNullOrEmpty(body))
            return false;
        try
        {
            if (JsonNode.Parse(body) is not JsonObject json || json.Count != 3
                || json["regulationType"]?.GetValue<string>() != "SUPPRESS_WITH_DELETE"
                || json["subjectType"]?.GetValue<string>() != "USER_ID"
                || json["subjectIds"] is not JsonArray ids || ids.Count is 0 or > 5000)
                return false;
            var sent = ids.Select(id => id?.GetValue<string>()).ToList();
            return subjectIds is null ? sent.All(id => !string.IsNullOrEmpty(id)) : sent.SequenceEqual(subjectIds);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        if (_ownsServer)
            Server.Dispose();
    }
}
