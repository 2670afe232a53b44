using FluentValidation;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http.Json;
using RetirementBridge.Admin;
using RetirementBridge.Deleters;
using RetirementBridge.Dispatch;
using RetirementBridge.Storage;
using RetirementBridge.Storage.Postgres;
using RetirementBridge.Webhooks;
using Serilog;

namespace RetirementBridge.Hosting;

/// <summary>
/// The composition root. Program.cs and the tests build the bridge through the same two calls, so a test host is
/// the production host on a different port and file (tests may add services, such as a log sink, in between).
/// </summary>
public static class BridgeHost
{
    public static WebApplicationBuilder CreateBuilder(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        AddSettingsFile(builder.Configuration);
        // preserveStaticLogger: each host logs through its own logger. Without it Serilog routes every host's lines
        // through the static Log.Logger, which the last host started replaces and the first host disposed closes,
        // so lines of one bridge land in another's sinks (and tests running bridges in parallel see each other's).
        builder.Services.AddSerilog((services, logging) => BridgeLogging.Configure(logging, builder.Configuration, services),
            preserveStaticLogger: true);
        return builder;
    }

    /// <exception cref="BridgeConfigurationException">The bridge's own configuration is wrong.</exception>
    /// <exception cref="DeleterConfigurationException">An enabled deleter's configuration is wrong.</exception>
    public static WebApplication Build(WebApplicationBuilder builder)
    {
        var settings = BridgeSettings.Load(builder.Configuration);
        var services = builder.Services;

        services.AddSingleton(settings.Webhook);
        services.AddSingleton(settings.Dispatch);
        services.AddSingleton(settings.Retention);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new WebhookKeys(settings.Secrets, settings.Webhook.TimestampTolerance, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(new AdminTokens(settings.AdminTokens));
        services.AddSingleton<NotConfiguredNotice>();
        services.AddSingleton<IValidator<RetirementNotification>, RetirementNotificationValidator>();

        services.AddRetirementStore(settings.Store, builder.Environment.ContentRootPath);

        if (settings.Store.Provider == StoreProvider.Postgres)
            services.AddPostgresReplicaCoordination();
        else
            services.AddSingleton<ICallSlots, ProcessCallSlots>();
        services.AddBuiltInDeleters(builder.Configuration.GetSection("Deleters"));
        services.AddSingleton<DispatchSignal>();
        services.AddSingleton<LeaseHeartbeat>();
        services.AddSingleton(sp => new RetrySchedule(sp.GetRequiredService<DispatchOptions>()));
        // Order matters: hosted services start in registration order, and the store must be ready first.
        services.AddHostedService<StoreStartup>();
        services.AddHostedService<CredentialReloader>();
        services.AddHostedService<DeliveryDispatcher>();
        services.AddHostedService<RetentionSweeper>();

        services.AddProblemDetails();
        services.Configure<JsonOptions>(json => WebhookEndpoint.ConfigureJson(json.SerializerOptions));
        services.AddHealthChecks().AddCheck<ReadinessCheck>("ready", tags: ["ready"]);
        services.AddBridgeOpenApi();

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseSerilogRequestLogging(BridgeLogging.ConfigureRequestLogging(app.Services));

        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/readyz", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains("ready"),
            ResponseWriter = ReadinessCheck.WriteAsync,
        });
        app.MapOpenApi(OpenApiSetup.DocumentPath);
        app.MapWebhookEndpoint();
        app.MapAdminEndpoints();
        return app;
    }

    /// <summary>
    /// <c>SettingsFile</c> (e.g. <c>SettingsFile=/etc/retirement-bridge/settings.json</c>) names a JSON settings file
    /// read after every other source and watched like appsettings.json: webhook secrets and admin tokens in it can be
    /// rotated without a restart. Mount its folder, not the file, so an editor's replace-on-save is seen.
    /// </summary>
    private static void AddSettingsFile(ConfigurationManager configuration)
    {
        if (configuration["SettingsFile"] is not { Length: > 0 } file)
            return;
        var path = Path.GetFullPath(file);
        if (!File.Exists(path))
            throw new BridgeConfigurationException($"SettingsFile names no readable file ({path}; a relative path is taken from the working directory)");
        try
        {
            configuration.AddJsonFile(new Microsoft.Extensions.FileProviders.PhysicalFileProvider(Path.GetDirectoryName(path)!),
                Path.GetFileName(path), optional: false, reloadOnChange: true);
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException or IOException or UnauthorizedAccessException)
        {
            throw new BridgeConfigurationException($"SettingsFile is not a readable JSON settings file ({ex.GetType().Name})");
        }
    }
}
