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
    /// No 0.8 s span holds more than <paramref name="limit"/> requests: a sliding window of 1 s returns a permit at
    /// most one segment (0.1 s) early, and arrival times jitter. The first window's requests are left out: they open
    /// the connections, and a slow connect (a busy machine) can make them arrive together with the next window's.
    /// </summary>
    private static void AssertHeldTo(int limit, IReadOnlyList<DateTime> times, string deleter)
    {
        var steady = times.Skip(limit).ToList();
        Assert.True(MostIn(steady, TimeSpan.FromSeconds(0.8)) <= limit,
            $"{deleter} sent more than {limit} requests within 0.8 s: {string.Join(", ", times.Select(t => t.ToString("ss.fff")))}");
    }

    private static List<DateTime> RequestTimes(WireMockServer fake) =>
        fake.LogEntries.Select(e => e.RequestMessage.DateTime).Order().ToList();

    /// <summary>The largest number of requests that fall within any span of <paramref name="span"/>.</summary>
    private static int MostIn(IReadOnlyList<DateTime> times, TimeSpan span) =>
        times.Select((start, i) => times.Skip(i).TakeWhile(t => t - start < span).Count()).Max();
}
