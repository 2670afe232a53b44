using System.Net;
using RetirementBridge.Tests.Infrastructure;
using WireMock.ResponseBuilders;
using WireMock.Server;
using static RetirementBridge.Tests.Infrastructure.ProviderFakes;

namespace RetirementBridge.Tests;

/// <summary>
/// Every path a notification can take, with logging turned up to Debug as an operator chasing a problem would,
/// then a scan of every captured log line for the learners' emails, usernames and subscriber hashes.
/// </summary>
public sealed class PersonalDataTests
{
    [Fact]
    public async Task No_log_line_of_any_path_holds_a_learners_email_or_username()
    {
        using var mailchimp = Start();
        using var webhook = Start();
        var bridge = await TestBridge.StartAsync(Merge(Mailchimp(mailchimp), Webhook(webhook),
            new() { ["Serilog:MinimumLevel:Default"] = "Debug", ["Dispatch:RetryDeadline"] = "00:00:02" }));
        try
        {
            var happy = bridge.NewLearner();
            var failing = bridge.NewLearner();
            var invalid = bridge.NewLearner();
            mailchimp.Given(MailchimpDelete(happy)).RespondWith(NoContent());
            mailchimp.Given(MailchimpDelete(failing)).RespondWith(MailchimpUnavailable());
            webhook.Given(WebhookPost()).RespondWith(Response.Create().WithStatusCode(500).WithBody(failing.Email));

            var ok = await bridge.RetireAsync(happy, webhookId: "msg_happy");
            Assert.Equal(ok, await bridge.RetireAsync(happy, webhookId: "msg_happy")); // the duplicate path
            var bad = await bridge.RetireAsync(failing);
            await bridge.WaitForDeliveryAsync(ok, "mailchimp", "succeeded");
            await bridge.WaitForDeliveryAsync(bad, "mailchimp", "dead");
            await bridge.WaitForDeliveryAsync(bad, "webhook", "dead");

            var body = invalid.Notification();
            body["data"]!["lms_user_id"] = invalid.Email;
            using (var rejected = await bridge.PostSignedAsync(body.ToJsonString()))
                Assert.Equal(HttpStatusCode.BadRequest, rejected.StatusCode);
            using (var unsigned = await bridge.PostAsync(invalid.Notification().ToJsonString(), "msg_x", "1", "v1,AAAA"))
                Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);

            Assert.True(bridge.Logs.Lines.Count > 20, "the scan must have log lines to look at");
            Assert.Contains(bridge.Logs.Lines, line => line.Contains("\"@l\":\"Debug\""));
        }
        finally
        {
            // Disposal scans every captured line for every tracked learner's identity.
            await bridge.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_scan_finds_a_planted_email()
    {
        await using var bridge = await TestBridge.StartAsync();
        var learner = bridge.NewLearner();
        Assert.ThrowsAny<Exception>(() => bridge.AssertNoPiiIn($"{{\"@m\":\"hello {learner.Email.ToUpperInvariant()}\"}}", "a planted line"));
        Assert.ThrowsAny<Exception>(() => bridge.AssertNoPiiIn(Uri.EscapeDataString(learner.Email), "a planted URL"));
    }
}
