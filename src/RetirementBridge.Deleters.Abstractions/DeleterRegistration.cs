using MediatR;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace RetirementBridge.Deleters;

/// <summary>An enabled deleter, as the store and the dispatcher know it: its stable name, limits and handler type.</summary>
public sealed record DeleterRegistration(string Name, Type HandlerType, int MaxConcurrency, TimeSpan Timeout);

/// <summary>A <c>Deleters:{Name}</c> section some registered deleter reads, enabled or not. The host warns about a
/// section no deleter reads: a misspelt name would otherwise leave an operator believing a deleter runs.</summary>
public sealed record DeleterSection(string Path);

/// <summary>Thrown at start-up when an enabled deleter's configuration is wrong. The message is one line, no secrets.</summary>
public sealed class DeleterConfigurationException(string message) : Exception(message);

public static class DeleterServiceCollectionExtensions
{
    /// <summary>
    /// Registers a deleter if its configuration section says <c>Enabled: true</c>. Binds and validates
    /// <typeparamref name="TOptions"/> from the section (failing start-up with one clear line when it is wrong),
    /// makes the options injectable, and registers the handler under its stable <paramref name="name"/>.
    /// Returns the options when the deleter is enabled (so the caller can register its HTTP client), else null.
    /// </summary>
    /// <param name="name">The stable name stored with every delivery: lower case, never renamed once used.</param>
    public static TOptions? AddDeleter<THandler, TOptions>(this IServiceCollection services, string name, IConfigurationSection section)
        where THandler : class, INotificationHandler<UserRetired>
        where TOptions : DeleterOptions, new()
    {
        if (string.IsNullOrWhiteSpace(name) || name != name.ToLowerInvariant() || name.Any(char.IsWhiteSpace))
            throw new ArgumentException("A deleter name is lower case with no spaces.", nameof(name));

        services.AddSingleton(new DeleterSection(section.Path));
        var options = new TOptions();
        try
        {
            section.Bind(options);
        }
        catch (InvalidOperationException ex)
        {
            // The binder's message names the key and the bad value; configuration values here are not PII.
            throw new DeleterConfigurationException($"{section.Path}: {ex.Message}");
        }

        if (!options.Enabled)
            return null;

        var problems = options.Validate().ToList();
        if (problems.Count > 0)
            throw new DeleterConfigurationException($"{section.Path}: {string.Join("; ", problems)}");

        services.AddSingleton(options);
        services.AddSingleton(new DeleterRegistration(name, typeof(THandler), options.MaxConcurrency, options.Timeout));
        services.AddKeyedTransient<INotificationHandler<UserRetired>, THandler>(name);
        return options;
    }
}
