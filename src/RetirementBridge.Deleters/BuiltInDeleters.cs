using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using RetirementBridge.Deleters.Amplitude;
using RetirementBridge.Deleters.Braze;
using RetirementBridge.Deleters.Brevo;
using RetirementBridge.Deleters.CustomerIo;
using RetirementBridge.Deleters.HubSpot;
using RetirementBridge.Deleters.Klaviyo;
using RetirementBridge.Deleters.Mailchimp;
using RetirementBridge.Deleters.Mailgun;
using RetirementBridge.Deleters.Salesforce;
using RetirementBridge.Deleters.Segment;
using RetirementBridge.Deleters.SendGrid;
using RetirementBridge.Deleters.Webhook;

namespace RetirementBridge.Deleters;

public static class BuiltInDeleters
{
    /// <summary>
    /// Registers every built-in deleter whose section under <paramref name="deletersSection"/> says <c>Enabled: true</c>:
    /// <c>Amplitude</c> (stable name "amplitude"), <c>Braze</c> ("braze"), <c>Brevo</c> ("brevo"), <c>CustomerIo</c>
    /// ("customerio"), <c>HubSpot</c> ("hubspot"), <c>Klaviyo</c> ("klaviyo"), <c>Mailchimp</c> ("mailchimp"),
    /// <c>Mailgun</c> ("mailgun"), <c>Salesforce</c> ("salesforce"), <c>Segment</c> ("segment"), <c>SendGrid</c>
    /// ("sendgrid") and <c>Webhook</c> ("webhook").
    /// </summary>
    /// <param name="deletersSection"><c>configuration.GetSection("Deleters")</c>.</param>
    /// <exception cref="DeleterConfigurationException">An enabled deleter is misconfigured (one line, naming the key).</exception>
    public static IServiceCollection AddBuiltInDeleters(this IServiceCollection services, IConfiguration deletersSection)
    {
        // The host registers TimeProvider.System itself; this lets the deleters run without the host (tests, tools).
        services.TryAddSingleton(TimeProvider.System);
        services.AddAmplitudeDeleter(deletersSection.GetSection("Amplitude"));
        services.AddBrazeDeleter(deletersSection.GetSection("Braze"));
        services.AddBrevoDeleter(deletersSection.GetSection("Brevo"));
        services.AddCustomerIoDeleter(deletersSection.GetSection("CustomerIo"));
        services.AddHubSpotDeleter(deletersSection.GetSection("HubSpot"));
        services.AddKlaviyoDeleter(deletersSection.GetSection("Klaviyo"));
        services.AddMailchimpDeleter(deletersSection.GetSection("Mailchimp"));
        services.AddMailgunDeleter(deletersSection.GetSection("Mailgun"));
        services.AddSalesforceDeleter(deletersSection.GetSection("Salesforce"));
        services.AddSegmentDeleter(deletersSection.GetSection("Segment"));
        services.AddSendGridDeleter(deletersSection.GetSection("SendGrid"));
        services.AddWebhookDeleter(deletersSection.GetSection("Webhook"));
        return services;
    }
}
