using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using RetirementBridge.Tests.Infrastructure;
using WireMock.ResponseBuilders;
using WireMock.Server;
using static RetirementBridge.Tests.Infrastructure.ProviderFakes;

namespace RetirementBridge.Tests;

/// <summary>The log lines an operator reads: each bridge's own, agreeing with each other and with the README.</summary>
public sealed partial class OperatorLogTests
{
    private static string Message(string line) => JsonNode.Parse(line)!["@m"]!.GetValue<string>();

    private static bool IsError(string line) => line.Contains("\"@l\":\"Error\"") || line.Contains("\"@l\":\"Fatal\"");

    [Fact]
    public async Task Each_bridge_logs_only_its_own_lines_even_after_another_has_stopped()
    {
        var first = await TestBridge.StartAsync();
        await using var second = await TestBridge.StartAsync();
        await first.RetireAsync(first.NewLearner(), webhookId: "msg_only_first");
        await first.DisposeAsync();
        await second.RetireAsync(second.NewLearner(), webhookId: "msg_only_second");

        Assert.Contains(first.Logs.Lines, line => line.Contains("msg_only_first"));
        Assert.DoesNotContain(first.Logs.Lines, line => line.Contains("msg_only_second"));
        Assert.DoesNotContain(second.Logs.Lines, line => line.Contains("msg_only_first"));
        Assert.Contains(second.Logs.Lines, line => line.Contains("msg_only_second"));
        // The access line goes through the bridge's own logger too, not the process-wide one. An accepted notification
        // has none (its "Accepted retirement" line says it); a refused one does.
        Assert.DoesNotContain(second.Logs.Lines, line => line.Contains("\"StatusCode\":202"));
        using (await second.PostAsync("{}", id: "msg_unsigned", timestamp: null, signature: null)) { }
        static bool RefusalAccessLine(string line) =>
            line.Contains("\"RequestPath\":\"/v1/webhooks/user-retired\"") && Regex.IsMatch(line, "\"StatusCode\":4\\d\\d");
        // The access line is written as the request completes, which may be just after the client has its answer.
        await Eventually.GetAsync(() => Task.FromResult(second.Logs.Lines.Count(RefusalAccessLine)), n => n == 1, "the refusal's access line");
        Assert.DoesNotContain(first.Logs.Lines, RefusalAccessLine);
    }

    [Fact]
    public async Task Started_with_nothing_configured_the_lines_are_the_READMEs_and_agree()
    {
        await using var bridge = await TestBridge.StartAsync(new Dictionary<string, string?> { ["Webhook:Secrets:0"] = null, ["Admin:Tokens:0"] = null });
        var messages = bridge.Logs.Lines.Select(Message).ToList();

        foreach (var documented in ReadmeStartupLines())
            Assert.Contains(documented, messages);
        Assert.DoesNotContain(messages, m => m.Contains("recorded", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(bridge.Logs.Lines, IsError);
    }

    [Fact]
    public async Task Refusals_for_want_of_a_secret_are_one_warning_not_an_error_per_request()
    {
        await using var bridge = await TestBridge.StartAsync(new Dictionary<string, string?> { ["Webhook:Secrets:0"] = null });
        for (var i = 0; i < 5; i++)
        {
            using var response = await bridge.PostSignedAsync(bridge.NewLearner().Notification().ToJsonString());
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("60", response.Headers.RetryAfter?.ToString());
        }
        var refusals = bridge.Logs.Lines.Where(line => Message(line).StartsWith("Refused ")).ToList();
        Assert.Equal("Refused 1 notification(s) with 503: no Webhook:Secrets configured. Set one shared with the LMS plugin; the LMS retries them",
            Message(Assert.Single(refusals)));
        Assert.Contains("\"@l\":\"Warning\"", refusals[0]);
        Assert.DoesNotContain(bridge.Logs.Lines, IsError);
    }

    [Fact]
    public async Task A_deleters_section_that_names_no_deleter_is_warned_about_at_start_up()
    {
        await using var bridge = await TestBridge.StartAsync(new Dictionary<string, string?>
        {
            ["Deleters:Mailchimpp:Enabled"] = "true",
            ["Deleters:mailchimp:Enabled"] = "false", // a known one, whatever its case
        });
        var warnings = bridge.Logs.Lines.Select(Message).Where(m => m.Contains("names no known deleter")).ToList();
        Assert.Equal("Deleters:Mailchimpp names no known deleter, so it is ignored (known: Amplitude, Braze, Brevo, CustomerIo, HubSpot, Klaviyo, Mailchimp, Mailgun, Salesforce, Segment, SendGrid, Webhook)", Assert.Single(warnings));
    }

    [Fact]
    public async Task Attempt_lines_give_times_in_ISO_8601_UTC_and_ids_without_quotes()
    {
        using var webhook = Start();
        webhook.Given(WebhookPost()).RespondWith(Response.Create().WithStatusCode(503));
        await using var bridge = await TestBridge.StartAsync(Webhook(webhook));
        var id = await bridge.RetireAsync(bridge.NewLearner());
        await bridge.WaitForDeliveryAsync(id, "webhook", "failed_will_retry");

        var line = await Eventually.GetAsync(() => Task.FromResult(bridge.Logs.Lines.Select(Message).FirstOrDefault(m => m.Contains("attempt 1 transient"))),
            m => m is not null, "the first attempt's log line");
        Assert.Matches(IsoUtc(), line!);
        Assert.Contains($"(retirement {id})", line);
        Assert.DoesNotContain("\"", line);
    }

    /// <summary>The lines README.md quotes in the block after its start-up marker.</summary>
    private static IEnumerable<string> ReadmeStartupLines()
    {
        var readme = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "README.md"));
        var block = StartupBlock().Match(readme);
        Assert.True(block.Success, "README.md has no start-up lines block after its marker");
        var lines = block.Groups[1].Value.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.NotEmpty(lines);
        return lines;
    }

    [GeneratedRegex(@"<!-- start-up lines: checked by OperatorLogTests -->\s*```text\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex StartupBlock();

    [GeneratedRegex(@"next attempt \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z,")]
    private static partial Regex IsoUtc();
}
