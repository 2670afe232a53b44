using System.Text.Json.Nodes;
using System.Net;
using System.Text;
using RetirementBridge.StandardWebhooks;
using RetirementBridge.Tests.Infrastructure;
using WireMock.ResponseBuilders;
using WireMock.Server;
using static RetirementBridge.Tests.Infrastructure.ProviderFakes;

namespace RetirementBridge.Tests;

/// <summary>From the 202 to each provider: per-deleter delivery, retries, dead letters, replay, isolation.</summary>
public sealed class DeliveryTests : IDisposable
{
    private readonly WireMockServer _mailchimp = Start();
    private readonly WireMockServer _webhook = Start();

    public void Dispose()
    {
        _mailchimp.Stop();
        _webhook.Stop();
    }

    private Task<TestBridge> StartBridgeAsync(params Dictionary<string, string?>[] extra) =>
        TestBridge.StartAsync(Merge([Mailchimp(_mailchimp), Webhook(_webhook), .. extra]));

    [Fact]
    public async Task Every_deleter_erases_the_learner_and_then_the_bridge_forgets_the_email()
    {
        await using var bridge = await StartBridgeAsync();
        var learner = bridge.NewLearner();
        _mailchimp.Given(MailchimpDelete(learner)).RespondWith(NoContent());
        _webhook.Given(WebhookPost()).RespondWith(Response.Create().WithStatusCode(200));

        var id = await bridge.RetireAsync(learner);
        await bridge.WaitForDeliveryAsync(id, "mailchimp", "succeeded");
        await bridge.WaitForDeliveryAsync(id, "webhook", "succeeded");

        var retirement = await Eventually.GetAsync(() => bridge.GetRetirementAsync(id),
            r => r["personal_data_erased"]!.GetValue<bool>(), "the retirement to be complete");
        Assert.NotNull(retirement["completed_at"]);
        Assert.Equal(learner.RetiredUsername, retirement["retired_username"]!.GetValue<string>());
        bridge.AssertNoPiiIn(retirement.ToJsonString(), "the admin API");
        Assert.Equal(0L, await bridge.ScalarAsync("SELECT COUNT(*) FROM retirements WHERE email IS NOT NULL OR username IS NOT NULL;"));

        // The webhook deleter's request is signed with its own secret over the exact bytes received.
        var received = Assert.Single(Received(_webhook, "/hooks/erase")).RequestMessage;
        var verifier = new WebhookVerifier([WebhookSecret.Parse(DeleterSecret)], TimeSpan.FromMinutes(5), TimeProvider.System);
        Assert.Equal(WebhookVerification.Valid, verifier.Verify(
            received.Headers!["webhook-id"][0], received.Headers["webhook-timestamp"][0], received.Headers["webhook-signature"][0], received.BodyAsBytes));
        Assert.Contains(learner.Email, Encoding.UTF8.GetString(received.BodyAsBytes!));
        Assert.Single(Received(_mailchimp, MailchimpDeletePath(learner)));
    }

    [Fact]
    public async Task A_provider_failing_three_times_then_succeeding_is_retried_until_it_succeeds()
    {
        await using var bridge = await StartBridgeAsync();
        var learner = bridge.NewLearner();
        _webhook.Given(WebhookPost()).RespondWith(Response.Create().WithStatusCode(200));
        _mailchimp.Given(MailchimpDelete(learner)).InScenario("flaky").WillSetStateTo("failed once").RespondWith(MailchimpUnavailable());
        _mailchimp.Given(MailchimpDelete(learner)).InScenario("flaky").WhenStateIs("failed once").WillSetStateTo("failed twice").RespondWith(MailchimpUnavailable());
        _mailchimp.Given(MailchimpDelete(learner)).InScenario("flaky").WhenStateIs("failed twice").WillSetStateTo("failed thrice").RespondWith(MailchimpUnavailable());
        _mailchimp.Given(MailchimpDelete(learner)).InScenario("flaky").WhenStateIs("failed thrice").RespondWith(NoContent());

        var id = await bridge.RetireAsync(learner);
        var delivery = await bridge.WaitForDeliveryAsync(id, "mailchimp", "succeeded");

        Assert.Equal(4, delivery["attempts"]!.GetValue<int>());
        Assert.Equal("deleted", delivery["outcome"]!.GetValue<string>());
        Assert.Equal(4, Received(_mailchimp, MailchimpDeletePath(learner)).Count);
        // The webhook deleter was not held back by Mailchimp's failures, nor called again because of them.
        Assert.Single(Received(_webhook, "/hooks/erase"));
    }

    [Fact]
    public async Task A_429_with_Retry_After_waits_as_long_as_the_provider_asked()
    {
        await using var bridge = await StartBridgeAsync();
        var learner = bridge.NewLearner();
        _webhook.Given(WebhookPost()).RespondWith(Response.Create().WithStatusCode(200));
        _mailchimp.Given(MailchimpDelete(learner)).InScenario("throttled").WillSetStateTo("told to wait")
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("Retry-After", "2")
                .WithHeader("Content-Type", "application/problem+json")
                .WithBody("""{"title":"Too Many Requests","status":429,"detail":"You have exceeded the limit of 10 simultaneous connections."}"""));
        _mailchimp.Given(MailchimpDelete(learner)).InScenario("throttled").WhenStateIs("told to wait").RespondWith(NoContent());

        var id = await bridge.RetireAsync(learner);
        var waiting = await bridge.WaitForDeliveryAsync(id, "mailchimp", "failed_will_retry");
        Assert.Contains("429", waiting["last_error"]!.GetValue<string>());
        await bridge.WaitForDeliveryAsync(id, "mailchimp", "succeeded");

        var calls = Received(_mailchimp, MailchimpDeletePath(learner));
        Assert.Equal(2, calls.Count);
        // The bridge's own first retry would come after 0.2 s; the provider asked for 2 s.
        Assert.True(calls[1].RequestMessage.DateTime - calls[0].RequestMessage.DateTime >= TimeSpan.FromSeconds(1.95),
            "the retry came before Retry-After elapsed");
    }

    [Fact]
    public async Task A_permanent_4xx_goes_dead_at_once_and_a_replay_delivers_it()
    {
        await using var bridge = await StartBridgeAsync();
        var learner = bridge.NewLearner();
        _mailchimp.Given(MailchimpDelete(learner)).RespondWith(NoContent());
        _webhook.Given(WebhookPost()).AtPriority(1).InScenario("rejecting").WillSetStateTo("rejected")
            .RespondWith(Response.Create().WithStatusCode(422).WithBody("""{"error":"unknown field"}"""));
        _webhook.Given(WebhookPost()).AtPriority(2).RespondWith(Response.Create().WithStatusCode(200));

        var id = await bridge.RetireAsync(learner);
        var dead = await bridge.WaitForDeliveryAsync(id, "webhook", "dead");
        Assert.Equal(1, dead["attempts"]!.GetValue<int>());
        Assert.Contains("422", dead["last_error"]!.GetValue<string>());
        // The operator's alert line (written just after the state is stored, so wait for it rather than race it).
        var lines = await Eventually.GetAsync(() => Task.FromResult(bridge.Logs.Lines),
            lines => lines.Any(line => line.Contains("\"@l\":\"Error\"") && line.Contains("is DEAD") && line.Contains(dead["delivery_id"]!.GetValue<string>())),
            "an error log line saying the delivery is dead");
        var deadLine = JsonNode.Parse(lines.First(line => line.Contains("is DEAD")))!["@m"]!.GetValue<string>();
        // The replay call is copied from the line as it stands, as an operator would.
        var replayPath = System.Text.RegularExpressions.Regex.Match(deadLine, @"POST (\S+/replay)").Groups[1].Value;
        Assert.Equal($"/v1/deliveries/{dead["delivery_id"]}/replay", replayPath);

        using (var list = await bridge.Admin.GetAsync("/v1/deliveries?status=dead"))
        {
            var page = JsonNode.Parse(await list.Content.ReadAsStringAsync())!;
            Assert.Equal(dead["delivery_id"]!.GetValue<string>(), Assert.Single(page["deliveries"]!.AsArray())!["delivery_id"]!.GetValue<string>());
        }
        // The learner's identity stays while a delivery is dead: a replay needs it.
        Assert.Equal(1L, await bridge.ScalarAsync("SELECT COUNT(*) FROM retirements WHERE email IS NOT NULL;"));

        using var replay = await bridge.Admin.PostAsync(replayPath, null);
        Assert.Equal(HttpStatusCode.Accepted, replay.StatusCode);
        var delivered = await bridge.WaitForDeliveryAsync(id, "webhook", "succeeded");
        Assert.Equal(2, delivered["attempts"]!.GetValue<int>());
        Assert.Equal(2, Received(_webhook, "/hooks/erase").Count);
    }

    [Fact]
    public async Task One_provider_down_does_not_hold_back_another_and_catches_up_when_it_returns()
    {
        await using var bridge = await StartBridgeAsync();
        var learner = bridge.NewLearner();
        _webhook.Given(WebhookPost()).RespondWith(Response.Create().WithStatusCode(200));
        _mailchimp.Given(MailchimpDelete(learner)).RespondWith(MailchimpUnavailable());

        var id = await bridge.RetireAsync(learner);
        await bridge.WaitForDeliveryAsync(id, "webhook", "succeeded");
        var failing = await Eventually.GetAsync(() => bridge.GetRetirementAsync(id),
            r => TestBridge.Delivery(r, "mailchimp")["attempts"]!.GetValue<int>() >= 2, "mailchimp to have been retried");
        Assert.Null(failing["completed_at"]);
        Assert.False(failing["personal_data_erased"]!.GetValue<bool>());

        _mailchimp.Reset();
        _mailchimp.Given(MailchimpDelete(learner)).RespondWith(NoContent());
        await bridge.WaitForDeliveryAsync(id, "mailchimp", "succeeded");
        Assert.Single(Received(_webhook, "/hooks/erase"));
    }

    [Fact]
    public async Task A_delivery_still_failing_at_its_deadline_goes_dead()
    {
        await using var bridge = await StartBridgeAsync(new Dictionary<string, string?> { ["Dispatch:RetryDeadline"] = "00:00:01.500" });
        var learner = bridge.NewLearner();
        _webhook.Given(WebhookPost()).RespondWith(Response.Create().WithStatusCode(200));
        _mailchimp.Given(MailchimpDelete(learner)).RespondWith(MailchimpUnavailable());

        var id = await bridge.RetireAsync(learner);
        var dead = await bridge.WaitForDeliveryAsync(id, "mailchimp", "dead");
        Assert.Contains("deadline", dead["last_error"]!.GetValue<string>());
        Assert.True(dead["attempts"]!.GetValue<int>() >= 2);
    }

    [Fact]
    public async Task A_deleter_enabled_after_notifications_arrived_erases_those_learners_too()
    {
        var directory = TestPaths.NewTempDirectory();
        var learner = TestLearner.Create();
        string id;
        await using (var before = await TestBridge.StartAsync(directory: directory))
            id = await before.RetireAsync(learner);

        _webhook.Given(WebhookPost()).RespondWith(Response.Create().WithStatusCode(200));
        await using var after = await TestBridge.StartAsync(Webhook(_webhook), directory);
        after.Track(learner);
        await after.WaitForDeliveryAsync(id, "webhook", "succeeded");
        Assert.Single(Received(_webhook, "/hooks/erase"));
    }
}
