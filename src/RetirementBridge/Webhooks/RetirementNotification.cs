namespace RetirementBridge.Webhooks;

/// <summary>The notification body (contracts/user-retired.schema.json). Every field is nullable so that what is
/// missing is reported by the validator, field by field, instead of failing deserialisation.</summary>
public sealed class RetirementNotification
{
    public string? Type { get; set; }

    public DateTimeOffset? Timestamp { get; set; }

    public NotificationData? Data { get; set; }
}

public sealed class NotificationData
{
    public long? LmsUserId { get; set; }

    public string? Username { get; set; }

    public string? Email { get; set; }

    public string? RetiredUsername { get; set; }

    public string? RetiredEmail { get; set; }

    public string? Site { get; set; }

    public string? IdentitySource { get; set; }
}

/// <summary>The event types the endpoint understands.</summary>
public static class EventTypes
{
    /// <summary>A learner went through the LMS "retire misc" step: erase them everywhere.</summary>
    public const string UserRetired = "user.retire_lms_misc";

    /// <summary>The LMS plugin's installation check: verified and answered, never stored or forwarded.</summary>
    public const string Check = "retirement_bridge.check";
}
