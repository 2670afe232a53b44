using Microsoft.Extensions.DependencyInjection;
using RetirementBridge.Deleters.Mailchimp;
using RetirementBridge.Deleters.Testing;

namespace RetirementBridge.Deleters.Tests;

/// <summary>An enabled deleter with bad settings stops start-up with one line that names the key and hides the secret.</summary>
public sealed class ConfigurationValidationTests
{
    private const string MalformedKey = "not-a-mailchimp-key-s3cr3t";
    private const string PlainSecret = "hunter2-very-secret";
    private const string ShortSecret = "whsec_c2hvcnRrZXk=";
    private const string UrlWithToken = "ftp://hooks.example/retire?token=t0k3n";

    public static TheoryData<string, string, string?, string, string?> Cases => new()
    {
        // section, key, value (null: left out), expected message, text that must not appear
        { "Mailchimp", "ApiKey", null, "Deleters:Mailchimp: ApiKey is required", null },
        { "Mailchimp", "ApiKey", MalformedKey, "Deleters:Mailchimp: ApiKey must look like <hex>-<dc> (e.g. 0123abcd-us21)", MalformedKey },
        { "Mailchimp", "ApiKey", "9f8e7d6c5b-", "Deleters:Mailchimp: ApiKey must look like <hex>-<dc> (e.g. 0123abcd-us21)", "9f8e7d6c5b" },
        { "Webhook", "Url", null, "Deleters:Webhook: Url is required", null },
        { "Webhook", "Url", "not a url", "Deleters:Webhook: Url must be an absolute http(s) URL", "not a url" },
        { "Webhook", "Url", UrlWithToken, "Deleters:Webhook: Url must be an absolute http(s) URL", "t0k3n" },
        { "Webhook", "Secret", null, "Deleters:Webhook: Secret is required", null },
        { "Webhook", "Secret", PlainSecret, "Deleters:Webhook: Secret does not start with whsec_", PlainSecret },
        { "Webhook", "Secret", ShortSecret, "Deleters:Webhook: Secret has a key shorter than 24 bytes", "c2hvcnRrZXk" },
    };

    private static Dictionary<string, string?> ValidSettings(string section) => section == "Mailchimp"
        ? new()
        {
            ["Deleters:Mailchimp:Enabled"] = "true",
            ["Deleters:Mailchimp:ApiKey"] = "0123abcd-us21",
        }
        : new()
        {
            ["Deleters:Webhook:Enabled"] = "true",
            ["Deleters:Webhook:Url"] = "https://hooks.example/retire",
            ["Deleters:Webhook:Secret"] = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_bad_setting_fails_start_up_with_one_line_naming_the_key(
        string section, string key, string? value, string expected, string? mustNotAppear)
    {
        var settings = ValidSettings(section);
        settings[$"Deleters:{section}:{key}"] = value;

        var error = Assert.Throws<DeleterConfigurationException>(() => DeleterTestKit.Create(BuiltIn.Deleters, settings));

        Assert.Equal(expected, error.Message);
        Assert.DoesNotContain('\n', error.Message);
        if (mustNotAppear is not null)
            Assert.DoesNotContain(mustNotAppear, error.Message);
    }

    [Fact]
    public async Task Valid_webhook_settings_register_the_webhook_deleter()
    {
        await using var kit = DeleterTestKit.Create(BuiltIn.Deleters, ValidSettings("Webhook"));

        Assert.Equal("webhook", Assert.Single(kit.Services.GetServices<DeleterRegistration>()).Name);
    }

    [Fact]
    public async Task A_disabled_deleter_is_not_registered_and_its_settings_are_not_checked()
    {
        await using var kit = DeleterTestKit.Create(BuiltIn.Deleters, new Dictionary<string, string?>
        {
            ["Deleters:Mailchimp:Enabled"] = "false",
            ["Deleters:Mailchimp:ApiKey"] = MalformedKey,
        });

        Assert.Empty(kit.Services.GetServices<DeleterRegistration>());
        await Assert.ThrowsAsync<InvalidOperationException>(() => kit.EraseAsync("mailchimp", SampleRetirement.Item()));
    }

    [Fact]
    public async Task Mailchimp_defaults_to_the_data_centre_of_the_key_and_four_concurrent_deliveries()
    {
        await using var kit = DeleterTestKit.Create(BuiltIn.Deleters, ValidSettings("Mailchimp"));

        Assert.Equal(new Uri("https://us21.api.mailchimp.com"), kit.Services.GetRequiredService<MailchimpOptions>().EffectiveBaseUrl);
        var registration = Assert.Single(kit.Services.GetServices<DeleterRegistration>());
        Assert.Equal(("mailchimp", 4), (registration.Name, registration.MaxConcurrency));
    }

    [Fact]
    public void Mailchimp_refuses_more_concurrency_than_mailchimp_allows()
    {
        var settings = ValidSettings("Mailchimp");
        settings["Deleters:Mailchimp:MaxConcurrency"] = "11";

        var error = Assert.Throws<DeleterConfigurationException>(() => DeleterTestKit.Create(BuiltIn.Deleters, settings));

        Assert.Contains("MaxConcurrency", error.Message);
    }
}
