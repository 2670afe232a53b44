using System.Globalization;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

namespace Scenarios;

/// <summary>
/// WireMock.Net stand-ins for the providers, on 127.0.0.1, answering on the provider's real path with its real success
/// status and body after a set latency (../shared/PROVIDERS.md; the deleters' own tests hold the full fakes):
/// Braze deletes up to 50 learners per request, Brevo one per request.
/// </summary>
internal static class ProviderFakes
{
    public const string BrazeKey = "bench-braze-rest-key-0123456789abcdef";
    public const string BrevoKey = "xkeysib-0f8e2c1d9a7b4c3e8d2f6b5a4e3d2c1b0f8e2c1d9a7b4c3e8d2f6b5a4e3d2c1b-Bench0Scenario1";

    /// <summary>Braze: <c>POST /users/delete</c> with <c>{"external_ids": [...]}</c> answers 201 <c>{"deleted": N, "message": "success"}</c>.</summary>
    public static WireMockServer Braze(TimeSpan latency)
    {
        var server = Start();
        server.Given(Request.Create().UsingPost().WithPath("/users/delete").WithHeader("Authorization", $"Bearer {BrazeKey}"))
            .RespondWith(Delayed(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json")
                .WithBody("""{"deleted": 50, "message": "success"}"""), latency));
        return server;
    }

    /// <summary>Brevo: <c>DELETE /v3/contacts/{email}?identifierType=email_id</c> answers 204 (deleted).</summary>
    public static WireMockServer Brevo(TimeSpan latency)
    {
        var server = Start();
        server.Given(Request.Create().UsingDelete().WithPath(new WireMock.Matchers.WildcardMatcher("/v3/contacts/*"))
                .WithParam("identifierType", "email_id").WithHeader("api-key", BrevoKey))
            .RespondWith(Delayed(Response.Create().WithStatusCode(204), latency));
        return server;
    }

    /// <summary>The deleter's settings for a fake: on, pointed at it, with the run's limits.</summary>
    public static Dictionary<string, string> Settings(string section, WireMockServer fake, int concurrency, int batch, int requestsPerSecond) => new()
    {
        [$"Deleters:{section}:Enabled"] = "true",
        [$"Deleters:{section}:BaseUrl"] = fake.Url!,
        [$"Deleters:{section}:ApiKey"] = section == "Braze" ? BrazeKey : BrevoKey,
        [$"Deleters:{section}:MaxConcurrency"] = concurrency.ToString(CultureInfo.InvariantCulture),
        [$"Deleters:{section}:BatchSize"] = batch.ToString(CultureInfo.InvariantCulture),
        [$"Deleters:{section}:RateLimit:Requests"] = requestsPerSecond.ToString(CultureInfo.InvariantCulture),
        [$"Deleters:{section}:RateLimit:Per"] = "00:00:01",
    };

    /// <summary>When the fake saw its first request (UTC), or null before any.</summary>
    public static DateTime? FirstRequestAt(WireMockServer fake) =>
        fake.LogEntries.Select(entry => entry.RequestMessage.DateTime).DefaultIfEmpty().Min() is { Ticks: > 0 } first ? first : null;

    private static WireMockServer Start() => WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"] });

    private static IResponseBuilder Delayed(IResponseBuilder response, TimeSpan latency) =>
        latency > TimeSpan.Zero ? response.WithDelay(latency) : response;
}
