using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Refit;

namespace RetirementBridge.Deleters.Mailchimp;

internal static class MailchimpRegistration
{
    public const string Name = "mailchimp";

    public static void AddMailchimpDeleter(this IServiceCollection services, IConfigurationSection section)
    {
        var options = services.AddDeleter<MailchimpDeleter, MailchimpOptions>(Name, section);
        if (options is null)
            return;

        // Error bodies are read into Refit's exception; a bound keeps a hostile body from using unbounded memory.
        var refit = new RefitSettings { MaxExceptionContentLength = 4096 };
        // Mailchimp accepts any user name with the key as password.
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"retirementbridge:{options.ApiKey}"));

        // Refit 16 builds requests with its source-generated implementation; the reflection builder is a separate
        // package this feed does not offer, so AddRefitClient would fail at the first call.
        services.AddRefitGeneratedClient<IMailchimpApi>(MailchimpJsonContext.Default, _ => refit)
            .ConfigureHttpClient(client =>
            {
                client.BaseAddress = options.EffectiveBaseUrl; // never null once Validate passed
                client.Timeout = options.Timeout;
                client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", basic);
            })
            .ConfigureForDeleter();
    }
}
