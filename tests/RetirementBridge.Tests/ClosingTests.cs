using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using RetirementBridge.Admin;
using RetirementBridge.Tests.Infrastructure;
using WireMock.ResponseBuilders;
using WireMock.Server;
using static RetirementBridge.Tests.Infrastructure.ProviderFakes;

namespace RetirementBridge.Tests;

/// <summary>
/// An operator closes by hand what can never succeed: the closing is recorded (who, when, why), nothing more is
/// sent, and the learner's identity is purged as soon as no delivery needs it.
/// </summary>
public sealed class ClosingTests : IAsyncLifetime
{
    private readonly WireMockServer _mailchimp = Start();
    private readonly WireMockServer _webhook = Start();
    private TestBridge _bridge = null!;

    public async Task InitializeAsync() =>
        _bridge = await TestBridge.StartAsync(Merge(Mailchimp(_mailchimp), Webhook(_webhook)));

    public async Task DisposeAsync()
    {
        await _bridge.DisposeAsync();
        _mailchimp.Stop();
        _webhook.Stop();
    }

    private Task<HttpResponseMessage> CloseAsync(string path, object? body) => _bridge.Admin.PostAsJsonAsync(path, body);

    private Task<object?> StoredIdentityCountAsync(string retirementId) =>
        _bridge.ScalarAsync($"SELECT COUNT(*) FROM retirements WHERE id = '{retirementId}' AND (email IS NOT NULL OR username IS NOT NULL);");

    /// <summary>Mailchimp deletes; the webhook receiver refuses for good (422), so that delivery goes dead.</summary>
    private async Task<(string RetirementId, string DeadDeliveryId)> RetireWithADeadWebhookAsync(TestLearner learner)
    {
        _mailchimp.Given(MailchimpDelete(learner)).RespondWith(NoContent());
        _webhook.Given(WebhookPost()).RespondWith(Response.Create().WithStatusCode(422));
        var id = await _bridge.RetireAsync(learner);
        var dead = await _bridge.WaitForDeliveryAsync(id, "webhook", "dead");
        await _bridge.WaitForDeliveryAsync(id, "mailchimp", "succeeded");
        return (id, dead["delivery_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Closing_a_dead_delivery_records_who_when_and_why_and_purges_the_identity()
    {
        var (id, deliveryId) = await RetireWithADeadWebhookAsync(_bridge.NewLearner());
        Assert.Equal(1L, await StoredIdentityCountAsync(id));

        using var response = await CloseAsync($"/v1/deliveries/{deliveryId}/close", new { reason = "receiver retired in 2026; erased by hand, ticket OPS-1234" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var retirement = (await response.Content.ReadFromJsonAsync<JsonNode>())!;
        Assert.True(retirement["personal_data_erased"]!.GetValue<bool>());
        var closed = TestBridge.Delivery(retirement, "webhook");
        Assert.Equal("closed", closed["status"]!.GetValue<string>());
        Assert.Equal(AdminTokens.Fingerprint(TestBridge.AdminToken), closed["closure"]!["closed_by"]!.GetValue<string>());
        Assert.Equal("receiver retired in 2026; erased by hand, ticket OPS-1234", closed["closure"]!["reason"]!.GetValue<string>());
        Assert.True(DateTimeOffset.UtcNow - closed["closure"]!["closed_at"]!.GetValue<DateTimeOffset>() < TimeSpan.FromMinutes(5));
        Assert.Equal(0L, await StoredIdentityCountAsync(id));

        // Closed is final: nothing replays it, and the receiver heard only the one refused attempt.
        using var replay = await _bridge.Admin.PostAsync($"/v1/deliveries/{deliveryId}/replay", null);
        Assert.Equal(HttpStatusCode.Conflict, replay.StatusCode);
        using var again = await CloseAsync($"/v1/deliveries/{deliveryId}/close", new { reason = "twice" });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Single(Received(_webhook, "/hooks/erase"));
    }

    [Fact]
    public async Task The_identity_stays_while_another_delivery_still_needs_it()
    {
        var learner = _bridge.NewLearner();
        _mailchimp.Given(MailchimpDelete(learner)).RespondWith(MailchimpUnavailable());
        _webhook.Given(WebhookPost()).RespondWith(Response.Create().WithStatusCode(422));
        var id = await _bridge.RetireAsync(learner);
        var dead = await _bridge.WaitForDeliveryAsync(id, "webhook", "dead");
        await _bridge.WaitForDeliveryAsync(id, "mailchimp", "failed_will_retry");

        using (var closed = await CloseAsync($"/v1/deliveries/{dead["delivery_id"]}/close", new { reason = "receiver decommissioned" }))
        {
            Assert.Equal(HttpStatusCode.OK, closed.StatusCode);
            Assert.False((await closed.Content.ReadFromJsonAsync<JsonNode>())!["personal_data_erased"]!.GetValue<bool>());
        }
        Assert.Equal(1L, await StoredIdentityCountAsync(id));

        _mailchimp.ResetMappings(); // Mailchimp is back
        _mailchimp.Given(MailchimpDelete(learner)).RespondWith(NoContent());
        await _bridge.WaitForDeliveryAsync(id, "mailchimp", "succeeded");
        await Eventually.GetAsync(() => _bridge.GetRetirementAsync(id), r => r["personal_data_erased"]!.GetValue<bool>(), "the identity to be purged");
        Assert.Equal(0L, await StoredIdentityCountAsync(id));
    }

    [Fact]
    public async Task Closing_a_retirement_closes_every_open_delivery_at_once()
    {
        var learner = _bridge.NewLearner();
        _mailchimp.Given(MailchimpDelete(learner)).RespondWith(Response.Create().WithStatusCode(401));
        _webhook.Given(WebhookPost()).RespondWith(Response.Create().WithStatusCode(422));
        var id = await _bridge.RetireAsync(learner);
        await _bridge.WaitForDeliveryAsync(id, "mailchimp", "dead");
        await _bridge.WaitForDeliveryAsync(id, "webhook", "dead");

        using var response = await CloseAsync($"/v1/retirements/{id}/close", new { reason = "learner confirmed erased by the registrar" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var retirement = (await response.Content.ReadFromJsonAsync<JsonNode>())!;
        Assert.All(retirement["deliveries"]!.AsArray(), d => Assert.Equal("closed", d!["status"]!.GetValue<string>()));
        Assert.True(retirement["personal_data_erased"]!.GetValue<bool>());
        Assert.Equal(0L, await StoredIdentityCountAsync(id));
        using var again = await CloseAsync($"/v1/retirements/{id}/close", new { reason = "again" });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task A_reason_is_required_and_must_not_name_the_learner()
    {
        var learner = _bridge.NewLearner();
        var (id, deliveryId) = await RetireWithADeadWebhookAsync(learner);
        var path = $"/v1/deliveries/{deliveryId}/close";

        foreach (var body in new object?[]
                 {
                     null, new { }, new { reason = "  " }, new { reason = new string('x', AdminActions.MaxReasonLength + 1) },
                     new { reason = "two\nlines" }, new { reason = "mail someone@example.org first" },
                     new { reason = $"asked by {learner.Username.ToUpperInvariant()} on the phone" },
                 })
        {
            using var response = await CloseAsync(path, body);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var problem = (await response.Content.ReadFromJsonAsync<JsonNode>())!;
            Assert.NotNull(problem["errors"]!["reason"]);
            _bridge.AssertNoPiiIn(problem.ToJsonString(), "the 400 answer");
        }
        Assert.Equal("dead", TestBridge.Delivery(await _bridge.GetRetirementAsync(id), "webhook")["status"]!.GetValue<string>());
        Assert.Equal(1L, await StoredIdentityCountAsync(id));
    }

    [Fact]
    public async Task Closing_what_succeeded_is_a_conflict_and_an_unknown_id_is_not_found()
    {
        var (id, _) = await RetireWithADeadWebhookAsync(_bridge.NewLearner());
        var succeeded = TestBridge.Delivery(await _bridge.GetRetirementAsync(id), "mailchimp")["delivery_id"]!.GetValue<string>();

        using var conflict = await CloseAsync($"/v1/deliveries/{succeeded}/close", new { reason = "nothing to do" });
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        Assert.Equal("application/problem+json", conflict.Content.Headers.ContentType?.MediaType);
        using var unknown = await CloseAsync("/v1/deliveries/dlv_unknown/close", new { reason = "x" });
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        using var unknownRetirement = await CloseAsync("/v1/retirements/ret_unknown/close", new { reason = "x" });
        Assert.Equal(HttpStatusCode.NotFound, unknownRetirement.StatusCode);
        using var anonymous = await _bridge.Client.PostAsJsonAsync($"/v1/retirements/{id}/close", new { reason = "x" });
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }
}
