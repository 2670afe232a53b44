using System.Net.Mime;
using System.Security.Cryptography;
using System.Text.Json;
using FluentValidation;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using RetirementBridge.Deleters;
using RetirementBridge.Dispatch;
using RetirementBridge.StandardWebhooks;
using RetirementBridge.Storage;

namespace RetirementBridge.Webhooks;

/// <summary>
/// <c>POST /v1/webhooks/user-retired</c>: size and type checks, signature, validation, then one durable commit and
/// the 202. Nothing slow or fallible happens between validation and the commit, so that commits of concurrent
/// requests can later be grouped without touching this endpoint.
/// </summary>
public static partial class WebhookEndpoint
{
    public const string Path = "/v1/webhooks/user-retired";

    /// <summary>The OpenAPI tag. Named explicitly: the default is the entry assembly's name, which differs between
    /// the shipped app and a test host, and the committed contract must be what operators get.</summary>
    public const string Tag = "Webhooks";

    public static IEndpointRouteBuilder MapWebhookEndpoint(this IEndpointRouteBuilder app)
    {
        app.MapPost(Path, ReceiveAsync)
            .WithName("ReceiveUserRetired")
            .WithTags(Tag)
            .WithSummary("Receive a signed retirement notification (Standard Webhooks).")
            .WithDescription("Answers 202 only once the notification is durably recorded; a repeated webhook-id answers 202 with duplicate true and records nothing. " +
                             "A retirement_bridge.check event is verified and answered 200 without being recorded.")
            .Accepts<RetirementNotification>("application/json")
            .Produces<AcceptedResponse>(StatusCodes.Status202Accepted)
            .Produces<CheckResponse>(StatusCodes.Status200OK)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    public sealed record AcceptedResponse(string RetirementId, bool Duplicate);

    public sealed record CheckResponse(string Check, IReadOnlyList<string> Deleters);

    /// <summary>The JSON rules of every body the bridge reads or writes (and of its OpenAPI document).</summary>
    public static void ConfigureJson(JsonSerializerOptions json)
    {
        json.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        // The contract says lms_user_id is a JSON integer; "12345" is a sender bug worth a 400, not a guess.
        json.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict;
    }

    private static async Task<IResult> ReceiveAsync(
        HttpContext http,
        WebhookKeys keys,
        NotConfiguredNotice notConfigured,
        IValidator<RetirementNotification> validator,
        IRetirementInbox store,
        DispatchSignal signal,
        IEnumerable<DeleterRegistration> deleters,
        DispatchOptions dispatch,
        TimeProvider clock,
        IOptions<JsonOptions> jsonOptions,
        ILoggerFactory loggers,
        CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(typeof(WebhookEndpoint));
        var verifier = keys.Verifier;
        if (!verifier.HasSecrets)
        {
            if (notConfigured.ShouldLog(out var refused))
                LogNotConfigured(logger, refused);
            return Problems.Create(503, "not-configured", "Not accepting notifications",
                "The bridge has no Webhook:Secrets configured.", TimeSpan.FromMinutes(1), http);
        }

        if (!IsJson(http.Request.ContentType))
            return Problems.Create(415, "unsupported-media-type", "Unsupported media type", "The body must be application/json.");

        var body = await RequestBodyReader.ReadAsync(http.Request, WebhookOptions.MaxBodyBytes, cancellationToken);
        if (body is null)
            return Problems.Create(413, "too-large", "Notification too large", $"The body must be at most {WebhookOptions.MaxBodyBytes} bytes.");

        var headers = http.Request.Headers;
        string? id = headers[WebhookHeaders.Id];
        var verification = verifier.Verify(id, headers[WebhookHeaders.Timestamp], headers[WebhookHeaders.Signature], body);
        if (verification != WebhookVerification.Valid)
        {
            LogRejectedSignature(logger, verification);
            return Problems.Create(401, "invalid-signature", "Signature not accepted", SignatureDetail(verification));
        }
        if (!IsValidWebhookId(id!))
            return Problems.Invalid(new Dictionary<string, string[]> { [WebhookHeaders.Id] = ["must be 1 to 255 printable ASCII characters"] });

        RetirementNotification? notification;
        try
        {
            notification = JsonSerializer.Deserialize<RetirementNotification>(body, jsonOptions.Value.SerializerOptions);
        }
        catch (JsonException ex)
        {
            // The path names the field; the exception message is not used because it could quote the value.
            var field = ex.Path is { Length: > 2 } path ? path.TrimStart('$', '.') : "body";
            return Problems.Invalid(new Dictionary<string, string[]> { [field] = ["is not valid JSON of the expected type"] }, "The body is not a valid notification.");
        }
        if (notification is null)
            return Problems.Invalid(new Dictionary<string, string[]> { ["body"] = ["must be a JSON object"] });

        // Synchronous: every rule is (no I/O), and the async path's state machines cost more than the rules.
        var validation = validator.Validate(notification);
        if (!validation.IsValid)
            return Problems.Invalid(validation.ToDictionary());

        var enabled = deleters.Select(d => d.Name).ToList();
        if (notification.Type == EventTypes.Check)
            return Results.Ok(new CheckResponse("ok", enabled));

        var now = clock.GetUtcNow();
        var data = notification.Data!;
        var incoming = new IncomingRetirement(
            id!,
            Convert.ToHexStringLower(SHA256.HashData(body)),
            new RetiredLearner(data.LmsUserId!.Value, data.Username!, data.Email!, data.RetiredUsername, data.RetiredEmail, data.Site!),
            data.IdentitySource,
            notification.Timestamp,
            now,
            now + dispatch.RetryDeadline);

        AcceptResult accepted;
        try
        {
            accepted = await store.AcceptAsync(incoming, enabled, cancellationToken);
        }
        catch (StoreUnavailableException ex)
        {
            LogStoreUnavailable(logger, ex.Message);
            return Problems.Create(503, "store-unavailable", "Could not record the notification",
                "Nothing was recorded; send it again.", TimeSpan.FromSeconds(5), http);
        }

        if (accepted.DuplicateWithDifferentBody)
            LogDuplicateWithDifferentBody(logger, accepted.RetirementId, id!);
        else if (accepted.Duplicate)
            LogDuplicate(logger, accepted.RetirementId, id!);
        else
        {
            LogAccepted(logger, accepted.RetirementId, id!, enabled.Count);
            signal.Ring();
        }
        return Results.Json(new AcceptedResponse(accepted.RetirementId, accepted.Duplicate), statusCode: StatusCodes.Status202Accepted);
    }

    private static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media)
        && (media.MediaType.Equals(MediaTypeNames.Application.Json, StringComparison.OrdinalIgnoreCase)
            || media.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase));

    private static bool IsValidWebhookId(string id) => id.Length <= 255 && id.All(c => c is > ' ' and <= '~');

    private static string SignatureDetail(WebhookVerification verification) => verification switch
    {
        WebhookVerification.MissingHeaders => "webhook-id, webhook-timestamp and webhook-signature headers are required.",
        WebhookVerification.MalformedTimestamp => "webhook-timestamp must be Unix seconds.",
        WebhookVerification.TimestampTooOld => "webhook-timestamp is more than the allowed tolerance in the past.",
        WebhookVerification.TimestampInFuture => "webhook-timestamp is more than the allowed tolerance in the future.",
        WebhookVerification.MalformedSignature => "webhook-signature holds no v1 signature.",
        _ => "No signature matches a configured secret.",
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected a notification: signature check {Verification}")]
    private static partial void LogRejectedSignature(ILogger logger, WebhookVerification verification);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused {Count} notification(s) with 503: no Webhook:Secrets configured. Set one shared with the LMS plugin; the LMS retries them")]
    private static partial void LogNotConfigured(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not record a notification, answered 503: {Error:l}")]
    private static partial void LogStoreUnavailable(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Accepted retirement {RetirementId:l} (webhook-id {WebhookId:l}) with {DeliveryCount} deliveries")]
    private static partial void LogAccepted(ILogger logger, string retirementId, string webhookId, int deliveryCount);

    [LoggerMessage(Level = LogLevel.Information, Message = "Duplicate webhook-id {WebhookId:l} for retirement {RetirementId:l}: nothing recorded")]
    private static partial void LogDuplicate(ILogger logger, string retirementId, string webhookId);

    // A sender reusing an id for a different body would lose that other notification: worth an operator's look.
    [LoggerMessage(Level = LogLevel.Warning, Message = "webhook-id {WebhookId:l} was reused with a different body; kept retirement {RetirementId:l} and recorded nothing. Check the sender's id scheme")]
    private static partial void LogDuplicateWithDifferentBody(ILogger logger, string retirementId, string webhookId);
}
