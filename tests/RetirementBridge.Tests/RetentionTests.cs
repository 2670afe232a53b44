using System.Net;
using RetirementBridge.Tests.Infrastructure;
using WireMock.ResponseBuilders;
using WireMock.Server;
using static RetirementBridge.Tests.Infrastructure.ProviderFakes;

namespace RetirementBridge.Tests;

/// <summary>Retention:FinishedRetirements deletes old finished records, and never an unfinished one.</summary>
public sealed class RetentionTests
{
    [Fact]
    public async Task Finished_retirements_are_deleted_after_the_retention_period_and_unfinished_ones_never()
    {
        using var webhook = Start();
        await using var bridge = await TestBridge.StartAsync(Merge(Webhook(webhook), new()
        {
            ["Retention:FinishedRetirements"] = "00:00:00.500",
            ["Retention:SweepInterval"] = "00:00:00.200",
        }));
        var erased = bridge.NewLearner();
        var refused = bridge.NewLearner();
        webhook.Given(WebhookPost().WithBody(b => b!.Contains(erased.Email))).RespondWith(Response.Create().WithStatusCode(200));
        webhook.Given(WebhookPost().WithBody(b => b!.Contains(refused.Email))).RespondWith(Response.Create().WithStatusCode(422));

        var finished = await bridge.RetireAsync(erased);
        var unfinished = await bridge.RetireAsync(refused);
        await bridge.WaitForDeliveryAsync(finished, "webhook", "succeeded");
        await bridge.WaitForDeliveryAsync(unfinished, "webhook", "dead");

        await Eventually.GetAsync(async () =>
            {
                using var response = await bridge.Admin.GetAsync($"/v1/retirements/{finished}");
                return response.StatusCode;
            }, status => status == HttpStatusCode.NotFound, "the finished retirement to be swept");
        Assert.Equal(0L, await bridge.ScalarAsync($"SELECT COUNT(*) FROM deliveries WHERE retirement_id = '{finished}';"));
        // The line is written just after the commit the 404 saw: wait for it rather than race it.
        await Eventually.GetAsync(() => Task.FromResult(bridge.Logs.Lines),
            lines => lines.Any(line => line.Contains("Retention: deleted 1 retirements")), "the retention log line");

        // The dead one is older than the retention period too, yet still there, identity and all: it needs an operator.
        var dead = await bridge.GetRetirementAsync(unfinished);
        Assert.False(dead["personal_data_erased"]!.GetValue<bool>());
        Assert.Equal(1L, await bridge.ScalarAsync($"SELECT COUNT(*) FROM retirements WHERE id = '{unfinished}' AND email IS NOT NULL;"));
    }
}
