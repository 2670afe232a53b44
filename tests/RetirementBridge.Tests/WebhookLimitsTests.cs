using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using RetirementBridge.StandardWebhooks;
using RetirementBridge.Tests.Infrastructure;

namespace RetirementBridge.Tests;

/// <summary>Size, media type, duplicates, a store that cannot commit, and the installation check event.</summary>
public sealed class WebhookLimitsTests : IAsyncLifetime
{
    private TestBridge _bridge = null!;

    public async Task InitializeAsync() =>
        _bridge = await TestBridge.StartAsync(new Dictionary<string, string?> { ["Store:Sqlite:BusyTimeoutSeconds"] = "1" });

    public async Task DisposeAsync() => await _bridge.DisposeAsync();

    [Fact]
    public async Task A_body_over_64_KiB_gets_413()
    {
        var body = _bridge.NewLearner().Notification();
        body["data"]!["padding"] = new string('p', 64 * 1024);
        using var response = await _bridge.PostSignedAsync(body.ToJsonString());
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_chunked_body_over_64_KiB_gets_413()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/webhooks/user-retired")
        {
            Content = new StreamContent(new MemoryStream(new byte[70 * 1024])),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TransferEncodingChunked = true;
        using var response = await _bridge.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    public async Task A_non_json_body_gets_415(string contentType)
    {
        using var response = await _bridge.PostSignedAsync(_bridge.NewLearner().Notification().ToJsonString(), contentType: contentType);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Json_with_a_charset_is_accepted()
    {
        using var response = await _bridge.PostSignedAsync(_bridge.NewLearner().Notification().ToJsonString(), contentType: "application/json; charset=utf-8");
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task A_repeated_webhook_id_returns_the_same_retirement_and_creates_nothing()
    {
        var learner = _bridge.NewLearner();
        var body = learner.Notification().ToJsonString();
        using var first = await _bridge.PostSignedAsync(body, id: "msg_same");
        using var again = await _bridge.PostSignedAsync(body, id: "msg_same", timestamp: DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
        var a = JsonNode.Parse(await first.Content.ReadAsStringAsync())!;
        var b = JsonNode.Parse(await again.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        Assert.Equal(a["retirement_id"]!.GetValue<string>(), b["retirement_id"]!.GetValue<string>());
        Assert.False(a["duplicate"]!.GetValue<bool>());
        Assert.True(b["duplicate"]!.GetValue<bool>());
        Assert.Equal(1L, await _bridge.ScalarAsync("SELECT COUNT(*) FROM retirements;"));
    }

    [Fact]
    public async Task A_reused_webhook_id_with_a_different_body_records_nothing_and_warns()
    {
        using var first = await _bridge.PostSignedAsync(_bridge.NewLearner().Notification().ToJsonString(), id: "msg_reused");
        using var other = await _bridge.PostSignedAsync(_bridge.NewLearner().Notification().ToJsonString(), id: "msg_reused");
        Assert.Equal(HttpStatusCode.Accepted, other.StatusCode);
        Assert.True(JsonNode.Parse(await other.Content.ReadAsStringAsync())!["duplicate"]!.GetValue<bool>());
        Assert.Contains(_bridge.Logs.Lines, line => line.Contains("\"@l\":\"Warning\"") && line.Contains("reused with a different body"));
        Assert.Equal(1L, await _bridge.ScalarAsync("SELECT COUNT(*) FROM retirements;"));
    }

    [Fact]
    public async Task Notifications_whose_commit_fails_all_get_503_none_is_recorded_and_their_resends_are()
    {
        // Sent together, so they share the failed transaction (group commit): every one of them must hear it.
        var bodies = Enumerable.Range(0, 8).Select(i => (Id: $"msg_locked_{i}", Body: _bridge.NewLearner().Notification().ToJsonString())).ToList();
        await using (var locker = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_bridge.DatabasePath};Pooling=False"))
        {
            await locker.OpenAsync();
            await using (var begin = locker.CreateCommand())
            {
                begin.CommandText = "BEGIN EXCLUSIVE;";
                await begin.ExecuteNonQueryAsync();
            }
            var refused = await Task.WhenAll(bodies.Select(b => _bridge.PostSignedAsync(b.Body, id: b.Id)));
            foreach (var response in refused)
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                Assert.NotNull(response.Headers.RetryAfter);
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                response.Dispose();
            }
        }
        Assert.Equal(0L, await _bridge.ScalarAsync("SELECT COUNT(*) FROM retirements;"));
        Assert.Equal(0L, await _bridge.ScalarAsync("SELECT COUNT(*) FROM deliveries;"));

        var resent = await Task.WhenAll(bodies.Select(b => _bridge.PostSignedAsync(b.Body, id: b.Id)));
        foreach (var response in resent)
        {
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            Assert.False(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["duplicate"]!.GetValue<bool>());
            response.Dispose();
        }
        Assert.Equal(8L, await _bridge.ScalarAsync("SELECT COUNT(*) FROM retirements;"));
    }

    [Fact]
    public async Task The_check_event_is_verified_and_answered_without_recording_anything()
    {
        var check = new JsonObject
        {
            ["type"] = "retirement_bridge.check",
            ["timestamp"] = DateTimeOffset.UtcNow.ToString("O"),
            ["data"] = new JsonObject { ["site"] = "courses.example.edu" },
        }.ToJsonString();

        using var ok = await _bridge.PostSignedAsync(check);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("ok", JsonNode.Parse(await ok.Content.ReadAsStringAsync())!["check"]!.GetValue<string>());

        var wrong = "whsec_" + Convert.ToBase64String(Encoding.ASCII.GetBytes("a-key-the-bridge-does-not-know!"));
        using var refused = await _bridge.PostSignedAsync(check, secret: wrong);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(0L, await _bridge.ScalarAsync("SELECT COUNT(*) FROM retirements;"));
    }

    [Fact]
    public async Task Without_a_configured_secret_the_bridge_answers_503_and_is_not_ready()
    {
        await using var unconfigured = await TestBridge.StartAsync(new Dictionary<string, string?> { ["Webhook:Secrets:0"] = null });
        var body = unconfigured.NewLearner().Notification().ToJsonString();
        using var response = await unconfigured.PostSignedAsync(body);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        using var ready = await unconfigured.Client.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("Unhealthy: no Webhook:Secrets configured", await ready.Content.ReadAsStringAsync());
        Assert.DoesNotContain(unconfigured.Logs.Lines, line => line.Contains("\"@l\":\"Error\""));
        using var live = await unconfigured.Client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Contains(unconfigured.Logs.Lines, line => line.Contains("Not accepting notifications") && line.Contains("Webhook:Secrets"));
    }
}
