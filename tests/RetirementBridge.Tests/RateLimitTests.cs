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

        var webhookTimes = RequestTimes(webhook);
        var mailchimpTimes = RequestTimes(mailchimp);
        Assert.Equal(12, webhookTimes.Count);
        Assert.Equal(12, mailchimpTimes.Count);
        AssertHeldTo(2, webhookTimes, "webhook");
        AssertHeldTo(3, mailchimpTimes, "mailchimp");
        // The faster provider is not held back by the slower one's limit.
        Assert.True(mailchimpTimes[^1] < webhookTimes[^1], "Mailchimp's requests waited for the webhook's rate limit");
    }

    /// <summary>
    /// Over the run, the fake saw requests no faster than <paramref name="limit"/> per second. Judged on the span of
    /// arrivals after the first window, not on any short window: the limiter spaces the moments requests leave (a
    /// permit comes back at most a tenth of a window early), but on a busy machine a request can take hundreds of
    /// milliseconds from there to the fake, which bunches arrivals up. The span shrinks by at most that delay, once.
    /// Without the limiter every request arrives within a fraction of a second, and this fails.
    /// </summary>
    private static void AssertHeldTo(int limit, IReadOnlyList<DateTime> times, string deleter)
    {
        var steady = times.Skip(limit).ToList();
        var permitWindows = (steady.Count - limit) / (double)limit; // windows that must pass before the last permit
        var least = TimeSpan.FromSeconds(permitWindows * 0.9 - 1.0);
        Assert.True(steady[^1] - steady[0] >= least,
            $"{deleter} sent {steady.Count} requests in {(steady[^1] - steady[0]).TotalSeconds:0.00} s, faster than {limit} per second allows " +
            $"(at least {least.TotalSeconds:0.00} s): {string.Join(", ", times.Select(t => t.ToString("ss.fff")))}");
    }

    private static List<DateTime> RequestTimes(WireMockServer fake) =>
        fake.LogEntries.Select(e => e.RequestMessage.DateTime).Order().ToList();

}
