using RetirementBridge.Tests.Infrastructure;
using WireMock.ResponseBuilders;
using WireMock.Server;
using static RetirementBridge.Tests.Infrastructure.ProviderFakes;

namespace RetirementBridge.Tests;

/// <summary>Deleters:{Name}:DryRun: nothing is sent, the delivery says what would have been, and a real run follows.</summary>
public sealed class DryRunTests
{
    [Fact]
    public async Task A_dry_run_sends_nothing_says_what_it_would_send_and_runs_for_real_once_turned_off()
    {
        using var webhook = Start();
        webhook.Given(WebhookPost()).RespondWith(Response.Create().WithStatusCode(200));
        var directory = TestPaths.NewTempDirectory();
        var settings = Webhook(webhook);
        settings["Deleters:Webhook:DryRun"] = "true";

        string id;
        var learner = TestLearner.Create();
        await using (var dry = await TestBridge.StartAsync(settings, directory))
        {
            id = await dry.RetireAsync(learner);
            var delivery = await dry.WaitForDeliveryAsync(id, "webhook", "dry_run");
            Assert.Equal("dry_run", delivery["outcome"]!.GetValue<string>());
            Assert.Equal("dry run: would erase 1 learner(s) in one call: POST {Url} (a signed user.retire_lms_misc event) per learner",
                delivery["last_error"]!.GetValue<string>());
            Assert.Equal(0, delivery["attempts"]!.GetValue<int>());
            Assert.Equal(0, delivery["job_checks"]!.GetValue<int>());
            Assert.Contains(dry.Logs.Lines, line => line.Contains("DRY RUN: nothing is sent"));
            // Nothing was erased, so the identity stays for the real run.
            Assert.False((await dry.GetRetirementAsync(id))["personal_data_erased"]!.GetValue<bool>());
        }
        Assert.Empty(webhook.LogEntries);

        settings["Deleters:Webhook:DryRun"] = "false";
        try
        {
            await using var live = await TestBridge.StartAsync(settings, directory);
            live.Track(learner);
            await live.WaitForDeliveryAsync(id, "webhook", "succeeded");
            Assert.Single(Received(webhook, "/hooks/erase"));
            Assert.Contains(live.Logs.Lines, line => line.Contains("1 deliveries left by a dry run are due now"));
        }
        finally
        {
            try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
        }
    }
}
