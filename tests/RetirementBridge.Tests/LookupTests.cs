using System.Net;
using System.Text.Json.Nodes;
using RetirementBridge.Tests.Infrastructure;

namespace RetirementBridge.Tests;

/// <summary>An operator finds a learner's retirements by what they know: the LMS user id (and site), or the webhook-id.</summary>
public sealed class LookupTests : IAsyncLifetime
{
    private TestBridge _bridge = null!;

    public async Task InitializeAsync() => _bridge = await TestBridge.StartAsync();

    public async Task DisposeAsync() => await _bridge.DisposeAsync();

    private async Task<IReadOnlyList<string>> FindAsync(string query)
    {
        using var response = await _bridge.Admin.GetAsync($"/v1/retirements?{query}");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        _bridge.AssertNoPiiIn(body, "the lookup's answer");
        return JsonNode.Parse(body)!["retirements"]!.AsArray().Select(r => r!["retirement_id"]!.GetValue<string>()).ToList();
    }

    [Fact]
    public async Task By_lms_user_id_on_every_site_or_on_one_and_by_webhook_id()
    {
        var learner = _bridge.NewLearner();
        var sameIdOtherSite = _bridge.Track(learner with { Site = "other.example.edu" });
        var here = await _bridge.RetireAsync(learner, webhookId: "msg_lookup_here");
        var there = await _bridge.RetireAsync(sameIdOtherSite);
        await _bridge.RetireAsync(_bridge.NewLearner()); // someone else

        Assert.Equal([here, there], await FindAsync($"lms_user_id={learner.LmsUserId}"));
        Assert.Equal([there], await FindAsync($"lms_user_id={learner.LmsUserId}&site=other.example.edu"));
        Assert.Equal([here], await FindAsync("webhook_id=msg_lookup_here"));
        Assert.Empty(await FindAsync("lms_user_id=999999999"));

        using var response = await _bridge.Admin.GetAsync($"/v1/retirements?lms_user_id={learner.LmsUserId}");
        var first = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["retirements"]![0]!;
        Assert.Equal(learner.LmsUserId, first["lms_user_id"]!.GetValue<long>());
        Assert.Equal("msg_lookup_here", first["webhook_id"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("", "lms_user_id")]
    [InlineData("site=courses.example.edu", "lms_user_id")]
    [InlineData("lms_user_id=abc", "lms_user_id")]
    [InlineData("lms_user_id=0", "lms_user_id")]
    [InlineData("lms_user_id=1&limit=0", "limit")]
    public async Task A_bad_query_gets_400_naming_the_field(string query, string field)
    {
        using var response = await _bridge.Admin.GetAsync($"/v1/retirements?{query}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errors"]![field]);
    }

    [Fact]
    public async Task The_lookup_needs_the_admin_token()
    {
        using var response = await _bridge.Client.GetAsync("/v1/retirements?lms_user_id=1");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
