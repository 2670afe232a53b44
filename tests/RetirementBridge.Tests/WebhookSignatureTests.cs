using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using RetirementBridge.StandardWebhooks;
using RetirementBridge.Tests.Infrastructure;

namespace RetirementBridge.Tests;

/// <summary>The signature check as a sender meets it: over HTTP against the running bridge.</summary>
public sealed class WebhookSignatureTests : IAsyncLifetime
{
    private TestBridge _bridge = null!;

    public async Task InitializeAsync() =>
        // Two secrets: the bridge is mid-rotation, the old and the new key both valid.
        _bridge = await TestBridge.StartAsync(new Dictionary<string, string?> { ["Webhook:Secrets:1"] = TestBridge.OtherSecret });

    public async Task DisposeAsync() => await _bridge.DisposeAsync();

    private string Body() => _bridge.NewLearner().Notification().ToJsonString();

    [Fact]
    public async Task A_correctly_signed_notification_is_accepted()
    {
        using var response = await _bridge.PostSignedAsync(Body());
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.StartsWith("ret_", json["retirement_id"]!.GetValue<string>());
        Assert.False(json["duplicate"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Either_secret_of_a_rotation_is_accepted()
    {
        using var old = await _bridge.PostSignedAsync(Body(), secret: TestBridge.Secret);
        using var rotated = await _bridge.PostSignedAsync(Body(), secret: TestBridge.OtherSecret);
        Assert.Equal(HttpStatusCode.Accepted, old.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, rotated.StatusCode);
    }

    [Fact]
    public async Task A_signature_with_an_unknown_key_is_refused_with_401_problem_details()
    {
        var wrong = "whsec_" + Convert.ToBase64String(Encoding.ASCII.GetBytes("not-the-configured-key-at-all!!"));
        using var response = await _bridge.PostSignedAsync(Body(), secret: wrong);
        await AssertUnauthorizedAsync(response, "No signature matches");
    }

    [Fact]
    public async Task A_tampered_body_is_refused()
    {
        var body = Body();
        var id = "msg_tampered";
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var signature = WebhookSignature.Sign(WebhookSecret.Parse(TestBridge.Secret), id, ts, Encoding.UTF8.GetBytes(body));
        var tampered = body.Replace("\"lms_user_id\":", "\"lms_user_id\":1");
        using var response = await _bridge.PostAsync(tampered, id, ts.ToString(), signature);
        await AssertUnauthorizedAsync(response, "No signature matches");
    }

    // Not ±301: the bridge's clock may tick into the next second between signing and checking, and a timestamp
    // signed 301 s ahead then arrives exactly 300 s ahead, which is allowed (the vectors pin the exact boundary).
    [Theory]
    [InlineData(-310, "in the past")]
    [InlineData(310, "in the future")]
    public async Task A_timestamp_more_than_five_minutes_away_is_refused(int offsetSeconds, string detail)
    {
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds() + offsetSeconds;
        using var response = await _bridge.PostSignedAsync(Body(), timestamp: ts);
        await AssertUnauthorizedAsync(response, detail);
    }

    [Theory]
    [InlineData(-240)]
    [InlineData(240)]
    public async Task A_timestamp_within_five_minutes_is_accepted(int offsetSeconds)
    {
        using var response = await _bridge.PostSignedAsync(Body(), timestamp: DateTimeOffset.UtcNow.ToUnixTimeSeconds() + offsetSeconds);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task Any_matching_signature_among_several_is_enough()
    {
        var body = Body();
        var id = $"msg_{Guid.NewGuid():N}";
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var bytes = Encoding.UTF8.GetBytes(body);
        var unknown = WebhookSecret.Parse("whsec_" + Convert.ToBase64String(new byte[32]));
        var header = string.Join(' ',
            "v1a,c29tZSBhc3ltbWV0cmljIHNpZ25hdHVyZQ==",
            WebhookSignature.Sign(unknown, id, ts, bytes),
            WebhookSignature.Sign(WebhookSecret.Parse(TestBridge.Secret), id, ts, bytes));
        using var response = await _bridge.PostAsync(body, id, ts.ToString(), header);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Theory]
    [InlineData(null, "1", "v1,abc", "headers are required")]
    [InlineData("msg_1", null, "v1,abc", "headers are required")]
    [InlineData("msg_1", "now", "v1,abc", "Unix seconds")]
    [InlineData("msg_1", "NOW", null, "headers are required")]
    public async Task Missing_or_malformed_headers_are_refused(string? id, string? timestamp, string? signature, string detail)
    {
        if (timestamp == "1") timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString();
        using var response = await _bridge.PostAsync(Body(), id, timestamp, signature);
        await AssertUnauthorizedAsync(response, detail);
    }

    [Fact]
    public async Task A_header_with_no_v1_signature_is_refused()
    {
        using var response = await _bridge.PostAsync(Body(), "msg_2", DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(), "v2,bm9wZQ== garbage");
        await AssertUnauthorizedAsync(response, "no v1 signature");
    }

    private async Task AssertUnauthorizedAsync(HttpResponseMessage response, string detail)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(401, problem["status"]!.GetValue<int>());
        Assert.Contains(detail, problem["detail"]!.GetValue<string>());
        Assert.Equal(0L, await _bridge.ScalarAsync("SELECT COUNT(*) FROM retirements;"));
    }
}
