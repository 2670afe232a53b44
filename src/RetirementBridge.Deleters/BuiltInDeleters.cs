using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using RetirementBridge.Deleters.Mailchimp;
using RetirementBridge.Deleters.Webhook;

namespace RetirementBridge.Deleters;

public static class BuiltInDeleters
{
    /// <summary>
    /// Registers every built-in deleter whose section under <paramref name="deletersSection"/> says <c>Enabled: true</c>:
    /// <c>Mailchimp</c> (stable name "mailchimp") and <c>Webhook</c> ("webhook").
    /// </summary>
    /// <param name="deletersSection"><c>configuration.GetSection("Deleters")</c>.</param>
    /// <exception cref="DeleterConfigurationException">An enabled deleter is misconfigured (one line, naming the key).</exception>
    public static IServiceCollection AddBuiltInDeleters(this IServiceCollection services, IConfiguration deletersSection)
    {
        // The host registers TimeProvider.System itself; this lets the deleters run without the host (tests, tools).
        services.TryAddSingleton(TimeProvider.System);
        services.AddMailchimpDeleter(deletersSection.GetSection("Mailchimp"));
        services.AddWebhookDeleter(deletersSection.GetSection("Webhook"));
        return services;
    }
}
