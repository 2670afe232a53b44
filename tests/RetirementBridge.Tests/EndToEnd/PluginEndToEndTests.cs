using System.Security.Cryptography;
using System.Text.RegularExpressions;
using RetirementBridge.Tests.Infrastructure;
using WireMock.Server;
using static RetirementBridge.Tests.Infrastructure.ProviderFakes;

namespace RetirementBridge.Tests.EndToEnd;

/// <summary>
/// The Open edX plugin, installed in a virtualenv, fires USER_RETIRE_LMS_MISC in a stand-in LMS (tests/e2e_fire.py)
/// against the real bridge on 127.0.0.1, which deletes the learner in a fake Mailchimp.
/// </summary>
[Collection(PluginVenvCollection.Name)]
public sealed partial class PluginEndToEndTests(PluginVenv plugin) : IDisposable
{
    private readonly WireMockServer _mailchimp = Start();

    public void Dispose() => _mailchimp.Stop();

    private Task<TestBridge> StartBridgeAsync() => TestBridge.StartAsync(Mailchimp(_mailchimp));

    private static string UrlOf(TestBridge bridge) => bridge.Client.BaseAddress!.GetLeftPart(UriPartial.Authority);

    /// <summary>Fires with the bridge's secret and checks the plugin printed nothing that identifies a tracked learner.</summary>
    private async Task<ProcessResult> FireAsync(TestBridge bridge, TestLearner learner, string? url = null, params string[] extra)
    {
        var result = await plugin.FireAsync(url ?? UrlOf(bridge), TestBridge.Secret, learner, extra);
        bridge.AssertNoPiiIn(result.Output, "the plugin's stdout/stderr");
        return result;
    }

    private static (string WebhookId, string RetirementId, bool Duplicate) Accepted(ProcessResult result, TestLearner learner)
    {
        Assert.True(result.ExitCode == 0, $"e2e_fire.py fire failed:\n{result}");
        var match = OkLine().Match(result.Stdout);
        Assert.True(match.Success, $"no OK line:\n{result}");
        Assert.Equal(learner.LmsUserId.ToString(), match.Groups["user"].Value);
        return (match.Groups["webhook"].Value, match.Groups["retirement"].Value, match.Groups["duplicate"].Value == "true");
    }

    [Fact]
    public async Task Firing_the_signal_deletes_the_learner_in_Mailchimp_once_and_the_delivery_succeeds()
    {
        await using var bridge = await StartBridgeAsync();
        var learner = bridge.NewLearner();
        _mailchimp.Given(MailchimpDelete(learner)).RespondWith(NoContent());

        var (_, retirementId, duplicate) = Accepted(await FireAsync(bridge, learner), learner);

        Assert.False(duplicate);
        var delivery = await bridge.WaitForDeliveryAsync(retirementId, "mailchimp", "succeeded");
        Assert.Equal("deleted", delivery["outcome"]!.GetValue<string>());
        Assert.Single(Received(_mailchimp, MailchimpDeletePath(learner)));
        Assert.Single(_mailchimp.LogEntries);
    }

    [Fact]
    public async Task Firing_the_same_signal_twice_deletes_once()
    {
        await using var bridge = await StartBridgeAsync();
        var learner = bridge.NewLearner();
        _mailchimp.Given(MailchimpDelete(learner)).RespondWith(NoContent());

        var first = Accepted(await FireAsync(bridge, learner), learner);
        await bridge.WaitForDeliveryAsync(first.RetirementId, "mailchimp", "succeeded");
        // A re-run of the LMS step: a fresh LMS process, the same learner, so the same webhook-id.
        var second = Accepted(await FireAsync(bridge, learner), learner);

        Assert.False(first.Duplicate);
        Assert.True(second.Duplicate);
        Assert.Equal(first.WebhookId, second.WebhookId);
        Assert.Equal(first.RetirementId, second.RetirementId);
        Assert.Equal(1L, await bridge.ScalarAsync("SELECT COUNT(*) FROM retirements;"));
        Assert.Equal("succeeded", (await bridge.WaitForDeliveryAsync(first.RetirementId, "mailchimp", "succeeded"))["status"]!.GetValue<string>());
        Assert.Single(Received(_mailchimp, MailchimpDeletePath(learner)));
    }

    [Fact]
    public async Task Check_with_the_bridges_secret_says_it_is_accepted_and_lists_the_deleters_without_storing_anything()
    {
        await using var bridge = await StartBridgeAsync();

        var result = await plugin.CheckAsync(UrlOf(bridge), TestBridge.Secret);

        Assert.True(result.ExitCode == 0, $"check failed:\n{result}");
        var line = Assert.Single(result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("retirement bridge check OK:", line);
        Assert.Contains("secret accepted", line);
        Assert.EndsWith("deleters: mailchimp", line.TrimEnd());
        Assert.DoesNotContain(TestBridge.Secret, result.Output);
        Assert.Equal(0L, await bridge.ScalarAsync("SELECT COUNT(*) FROM retirements;"));
        Assert.Empty(_mailchimp.LogEntries);
    }

    [Fact]
    public async Task Check_with_a_wrong_secret_fails_saying_the_signature_was_rejected_without_storing_anything()
    {
        await using var bridge = await StartBridgeAsync();
        var wrong = "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

        var result = await plugin.CheckAsync(UrlOf(bridge), wrong);

        Assert.True(result.ExitCode != 0, $"check with a wrong secret succeeded:\n{result}");
        Assert.Equal("", result.Stdout);
        Assert.StartsWith("CommandError: retirement bridge check failed: bridge says signature rejected", result.Stderr);
        Assert.DoesNotContain(wrong, result.Output);
        Assert.Equal(0L, await bridge.ScalarAsync("SELECT COUNT(*) FROM retirements;"));
        Assert.Empty(_mailchimp.LogEntries);
    }

    [Fact]
    public async Task With_the_bridge_stopped_firing_fails_closed_so_the_LMS_step_is_retried()
    {
        var bridge = await StartBridgeAsync();
        var learner = bridge.NewLearner();
        var url = UrlOf(bridge);
        await bridge.DisposeAsync(); // nothing listens on its port any more

        var result = await FireAsync(bridge, learner, url, "--retries", "1", "--timeout", "2");

        Assert.True(result.ExitCode == 1, $"expected exit 1 (fail-closed):\n{result}");
        Assert.StartsWith("FAILED: RetirementNotificationFailed: ", result.Stdout);
        Assert.Contains("after 2 attempt(s)", result.Stdout);
        Assert.Contains("connection refused", result.Stdout);
        Assert.Empty(_mailchimp.LogEntries);
    }

    [Fact]
    public async Task A_notification_the_bridge_rejects_fails_closed_and_the_plugin_prints_no_identity()
    {
        await using var bridge = await StartBridgeAsync();
        var learner = bridge.NewLearner();
        var wrong = "whsec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

        var result = await plugin.FireAsync(UrlOf(bridge), wrong, learner);

        bridge.AssertNoPiiIn(result.Output, "the plugin's stdout/stderr");
        Assert.True(result.ExitCode == 1, $"expected exit 1 (fail-closed):\n{result}");
        Assert.StartsWith("FAILED: RetirementNotificationFailed: ", result.Stdout);
        Assert.Contains("status 401", result.Stdout);
        Assert.Equal(0L, await bridge.ScalarAsync("SELECT COUNT(*) FROM retirements;"));
        Assert.Empty(_mailchimp.LogEntries);
    }

    [GeneratedRegex(@"^OK: lms_user_id=(?<user>\d+) webhook-id (?<webhook>msg_\S+) accepted: retirement_id (?<retirement>\S+) duplicate (?<duplicate>true|false)\n\z")]
    private static partial Regex OkLine();
}
