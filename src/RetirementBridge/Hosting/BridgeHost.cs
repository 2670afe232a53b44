using FluentValidation;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http.Json;
using RetirementBridge.Admin;
using RetirementBridge.Deleters;
using RetirementBridge.Dispatch;
using RetirementBridge.StandardWebhooks;
using RetirementBridge.Storage;
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
        builder.Services.AddSerilog((services, logging) => BridgeLogging.Configure(logging, builder.Configuration, services));
        return builder;
    }

    /// <exception cref="BridgeConfigurationException">The bridge's own configuration is wrong.</exception>
    /// <exception cref="DeleterConfigurationException">An enabled deleter's configuration is wrong.</exception>
    public static WebApplication Build(WebApplicationBuilder builder)
    {
        var settings = BridgeSettings.Load(builder.Configuration);
        var services = builder.Services;

        services.AddSingleton(settings.Webhook);
        services.AddSingleton(settings.Admin);
        services.AddSingleton(settings.Dispatch);
        services.AddSingleton(settings.Sqlite);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new WebhookVerifier(settings.Secrets, settings.Webhook.TimestampTolerance, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IValidator<RetirementNotification>, RetirementNotificationValidator>();

        var sqlitePath = Path.Combine(builder.Environment.ContentRootPath, settings.Sqlite.Path);
        // A factory, not an instance: the container disposes what it creates, which releases the file's lock.
        services.AddSingleton<IRetirementStore>(_ => new SqliteRetirementStore(sqlitePath, settings.Sqlite.BusyTimeoutSeconds));

        services.AddBuiltInDeleters(builder.Configuration.GetSection("Deleters"));
        services.AddSingleton<DispatchSignal>();
        services.AddSingleton(sp => new RetrySchedule(sp.GetRequiredService<DispatchOptions>()));
        // Order matters: hosted services start in registration order, and the store must be ready first.
        services.AddHostedService<StoreStartup>();
        services.AddHostedService<DeliveryDispatcher>();

        services.AddProblemDetails();
        services.Configure<JsonOptions>(json => WebhookEndpoint.ConfigureJson(json.SerializerOptions));
        services.AddHealthChecks().AddCheck<ReadinessCheck>("ready", tags: ["ready"]);
        services.AddBridgeOpenApi();

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseSerilogRequestLogging();

        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
        app.MapOpenApi(OpenApiSetup.DocumentPath);
        app.MapWebhookEndpoint();
        app.MapAdminEndpoints();
        return app;
    }
}
