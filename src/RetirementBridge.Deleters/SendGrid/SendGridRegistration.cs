using System.Net.Http.Headers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace RetirementBridge.Deleters.SendGrid;

public static class SendGridRegistration
{
    /// <summary>The stable deleter name stored with every delivery: never renamed.</summary>
    public const string Name = "sendgrid";

    /// <summary>Registers the SendGrid deleter when <c>Deleters:SendGrid:Enabled</c> is true (validating the section).</summary>
    /// <param name="section"><c>configuration.GetSection("Deleters:SendGrid")</c>.</param>
    public static void AddSendGridDeleter(this IServiceCollection services, IConfigurationSection section)
    {
        var options = services.AddDeleter<SendGridDeleter, SendGridOptions>(Name, section);
        if (options is null)
            return;

        services.AddDeleterRefitClient<ISendGridApi>(SendGridJsonContext.Default, options.EffectiveBaseUrl, options,
            new AuthenticationHeaderValue("Bearer", options.ApiKey));
    }
}
