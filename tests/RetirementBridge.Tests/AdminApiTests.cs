using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using RetirementBridge.Tests.Infrastructure;
using WireMock.ResponseBuilders;
using WireMock.Server;
using static RetirementBridge.Tests.Infrastructure.ProviderFakes;

namespace RetirementBridge.Tests;

/// <summary>The operator's API: token check, status, dead-letter listing and replay rules.</summary>
public sealed class AdminApiTests : IAsyncLifetime
{
    private readonly WireMockServer _webhook = Start();
    private TestBridge _bridge = null!;

    public async Task InitializeAsync() =>
        _bridge = await TestBridge.StartAsync(Merge(Webhook(_webhook), new() { ["Admin:Tokens:1"] = "second-admin-token-for-rotation" }));

    public async Task DisposeAsync()
    {
        await _bridge.DisposeAsync();
        _webhook.Stop();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer not-a-valid-admin-token")]
    [InlineData("Basic dGVzdDp0ZXN0")]
    public async Task Without_a_valid_bearer_token_the_admin_API_answers_401(string? authorization)
    {
        foreach (var path in new[] { "/v1/retirements/ret_x", "/v1/deliveries?status=dead" })
        {
            var request = new HttpRequestMessage(HttpMethod.Get, path);
            if (authorization is not null)
                request.Headers.TryAddWithoutValidation("Authorization", authorization);
            using var response = await _bridge.Client.SendAsync(request);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString());
        }
        using var replay = await _bridge.Client.PostAsync("/v1/deliveries/dlv_x/replay", null);
        Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
    }

    [Fact]
    public async Task Every_configured_token_opens_it()
    {
        using var client = new HttpClient { BaseAddress = _bridge.Client.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "second-admin-token-for-rotation");
        using var response = await client.GetAsync("/v1/deliveries");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Unknown_ids_get_404_and_a_bad_query_gets_400()
    {
        using var retirement = await _bridge.Admin.GetAsync("/v1/retirements/ret_unknown");
        Assert.Equal(HttpStatusCode.NotFound, retirement.StatusCode);
        using var replay = await _bridge.Admin.PostAsync("/v1/deliveries/dlv_unknown/replay", null);
        Assert.Equal(HttpStatusCode.NotFound, replay.StatusCode);
        using var query = await _bridge.Admin.GetAsync("/v1/deliveries?status=lost&limit=9999");
        Assert.Equal(HttpStatusCode.BadRequest, query.StatusCode);
        var errors = JsonNode.Parse(await query.Content.ReadAsStringAsync())!["errors"]!.AsObject();
        Assert.True(errors.ContainsKey("status") && errors.ContainsKey("limit"));
    }

    [Fact]
    public async Task A_succeeded_delivery_cannot_be_replayed()
    {
        _webhook.Given(WebhookPost()).RespondWith(Response.Create().WithStatusCode(200));
        var id = await _bridge.RetireAsync(_bridge.NewLearner());
        var delivery = await _bridge.WaitForDeliveryAsync(id, "webhook", "succeeded");
        using var replay = await _bridge.Admin.PostAsync($"/v1/deliveries/{delivery["delivery_id"]}/replay", null);
        Assert.Equal(HttpStatusCode.Conflict, replay.StatusCode);
        Assert.Single(Received(_webhook, "/hooks/erase"));
    }

    [Fact]
    public async Task Deliveries_page_oldest_first_with_a_cursor()
    {
        _webhook.Given(WebhookPost()).RespondWith(Response.Create().WithStatusCode(200));
        var ids = new List<string>();
        for (var i = 0; i < 3; i++)
            ids.Add(await _bridge.RetireAsync(_bridge.NewLearner()));

        var first = JsonNode.Parse(await _bridge.Admin.GetStringAsync("/v1/deliveries?limit=2"))!;
        var cursor = first["next_after"]!.GetValue<string>();
        var second = JsonNode.Parse(await _bridge.Admin.GetStringAsync($"/v1/deliveries?limit=2&after={cursor}"))!;

        var seen = first["deliveries"]!.AsArray().Concat(second["deliveries"]!.AsArray()).Select(d => d!["retirement_id"]!.GetValue<string>());
        Assert.Equal(ids, seen);
        Assert.Null(second["next_after"]);
    }
}
