using RetirementBridge.Dispatch;
using RetirementBridge.Storage;
using RetirementBridge.Webhooks;

namespace RetirementBridge.Admin;

/// <summary>
/// What operators change: replay a delivery, or close one (or a whole retirement) by hand with a reason. Closing is
/// how a retirement that can never succeed in some system stops holding the learner's identity: the closing is
/// recorded (who, when, why) and the identity is purged once nothing still needs it.
/// </summary>
internal static partial class AdminActions
{
    public const int MaxReasonLength = 500;

    public static void MapAdminActions(this RouteGroupBuilder admin)
    {
        admin.MapPost("/deliveries/{deliveryId}/replay", ReplayAsync)
            .WithName("ReplayDelivery")
            .WithSummary("Make a dead or waiting delivery due now, with a fresh retry deadline.")
            .Produces<ReplayResponse>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        MapClose(admin, "/deliveries/{id}/close", "CloseDelivery", wholeRetirement: false,
            "Close a delivery by hand with a reason: nothing more is sent; the identity is purged once no delivery needs it.");
        MapClose(admin, "/retirements/{id}/close", "CloseRetirement", wholeRetirement: true,
            "Close every open delivery of a retirement with one reason, then purge its identity.");
    }

    private static void MapClose(RouteGroupBuilder admin, string pattern, string name, bool wholeRetirement, string summary) =>
        admin.MapPost(pattern,
                (string id, CloseRequest? body, HttpContext http, IRetirementAdminStore store, TimeProvider clock, ILoggerFactory loggers, CancellationToken ct) =>
                    CloseAsync(wholeRetirement, id, body, http, store, clock, loggers, ct))
            .WithName(name)
            .WithSummary(summary)
            .Accepts<CloseRequest>("application/json")
            .Produces<RetirementView>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status401Unauthorized);

    public sealed record ReplayResponse(string DeliveryId, string Status);

    /// <summary>Why the operator closes it, in words that do not name the learner (kept with the record).</summary>
    public sealed record CloseRequest(string? Reason);

    private static async Task<IResult> ReplayAsync(
        string deliveryId, IRetirementAdminStore store, DispatchSignal signal, DispatchOptions options, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        switch (await store.ReplayAsync(deliveryId, now, now + options.RetryDeadline, ct))
        {
            case ReplayResult.Replayed:
                signal.Ring();
                return Results.Accepted(value: new ReplayResponse(deliveryId, DeliveryStatus.Pending));
            case ReplayResult.NotFound:
                return Problems.Create(404, "not-found", "No such delivery");
            default:
                return Problems.Create(409, "not-replayable", "Delivery cannot be replayed",
                    "Only dead or waiting deliveries can be replayed; this one succeeded, was closed, or is running.");
        }
    }

    private static async Task<IResult> CloseAsync(bool wholeRetirement, string id, CloseRequest? body, HttpContext http,
        IRetirementAdminStore store, TimeProvider clock, ILoggerFactory loggers, CancellationToken ct)
    {
        var reason = body?.Reason?.Trim();
        if (ReasonProblem(reason) is { } problem)
            return AdminEndpoints.InvalidQuery(new() { ["reason"] = [problem] });

        var closure = new DeliveryClosure(AdminTokenFilter.CallerOf(http), clock.GetUtcNow(), reason!);
        var (result, closedRetirement) = wholeRetirement
            ? await store.CloseRetirementAsync(id, closure, ct)
            : await store.CloseDeliveryAsync(id, closure, ct);
        var what = wholeRetirement ? "retirement" : "delivery";
        switch (result)
        {
            case CloseResult.Closed:
                var view = (await store.GetRetirementAsync(closedRetirement!, ct))!;
                LogClosed(loggers.CreateLogger(typeof(AdminActions)), what, id, closure.ClosedBy, view.PersonalDataErased);
                return Results.Ok(view);
            case CloseResult.NotFound:
                return Problems.Create(404, "not-found", $"No such {what}");
            case CloseResult.Running:
                return Problems.Create(409, "running", "An attempt is running",
                    "A delivery is being attempted right now; close it once the attempt has ended.");
            case CloseResult.ReasonNamesLearner:
                return AdminEndpoints.InvalidQuery(new() { ["reason"] = ["must not contain the learner's email or username"] });
            default:
                return Problems.Create(409, "nothing-to-close", "Nothing to close",
                    $"The {what} has no open delivery: each one succeeded or was closed already.");
        }
    }

    private static string? ReasonProblem(string? reason)
    {
        if (string.IsNullOrEmpty(reason))
            return "is required: say why this erasure is closed by hand";
        if (reason.Length > MaxReasonLength)
            return $"must be at most {MaxReasonLength} characters";
        if (reason.Any(char.IsControl))
            return "must be one line of text";
        // An email address has no place in a record kept for years, whoever's it is.
        if (reason.Contains('@'))
            return "must not contain an email address";
        return null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Closed {What:l} {Id:l} by hand ({ClosedBy:l}); identity purged: {Purged}")]
    private static partial void LogClosed(ILogger logger, string what, string id, string closedBy, bool purged);
}
