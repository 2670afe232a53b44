using RetirementBridge.Tests.Infrastructure;
using WireMock.ResponseBuilders;
using WireMock.Server;
using static RetirementBridge.Tests.Infrastructure.ProviderFakes;

namespace RetirementBridge.Tests;

/// <summary>Each deleter is held to its own provider's request rate, read from the times its fake saw requests.</summary>
public sealed class RateLimitTests
{
    [Fact]
    public async Task Two_deleters_with_different_limits_are_each_held_to_their_own()
    {
        using var mailchimp = Start();
        using var webhook = Start();
        await using var bridge = await TestBridge.StartAsync(Merge(Mailchimp(mailchimp), Webhook(webhook), new()
        {
            ["Deleters:Webhook:RateLimit:Requests"] = "2",
            ["Deleters:Webhook:RateLimit:Per"] = "00:00:01",
            ["Deleters:Mailchimp:RateLimit:Requests"] = "3",
            ["Deleters:Mailchimp:RateLimit:Per"] = "00:00:01",
        }));
        webhook.Given(WebhookPost()).RespondWith(Response.Create().WithStatusCode(200));
        var learners = Enumerable.Range(0, 12).Select(_ => bridge.NewLearner()).ToList();
        foreach (var learner in learners)
            mailchimp.Given(MailchimpDelete(learner)).RespondWith(NoContent());

        var ids = new List<string>();
        foreach (var learner in learners)
            ids.Add(await bridge.RetireAsync(learner));
        foreach (var id in ids)
        {
            await bridge.WaitForDeliveryAsync(id, "webhook", "succeeded");
            await bridge.WaitForDeliveryAsync(id, "mailchimp", "succeeded");
        }

        var webhookTimes = RequestRates.Times(webhook);
        var mailchimpTimes = RequestRates.Times(mailchimp);
        Assert.Equal(12, webhookTimes.Count);
        Assert.Equal(12, mailchimpTimes.Count);
        RequestRates.AssertHeldTo(2, webhookTimes, "webhook");
        RequestRates.AssertHeldTo(3, mailchimpTimes, "mailchimp");
        // The faster provider is not held back by the slower one's limit.
        Assert.True(mailchimpTimes[^1] < webhookTimes[^1], "Mailchimp's requests waited for the webhook's rate limit");
    }

}
