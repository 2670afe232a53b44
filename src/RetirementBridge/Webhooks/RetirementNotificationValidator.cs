using FluentValidation;

namespace RetirementBridge.Webhooks;

/// <summary>
/// Field rules of the notification. Every message is fixed text: a 400 must never echo a value back, since the
/// values are an email address and a username.
/// </summary>
public sealed class RetirementNotificationValidator : AbstractValidator<RetirementNotification>
{
    public RetirementNotificationValidator()
    {
        RuleFor(x => x.Type).NotEmpty().WithMessage("is required")
            .Must(type => type is EventTypes.UserRetired or EventTypes.Check)
            .WithMessage($"must be {EventTypes.UserRetired} or {EventTypes.Check}")
            .OverridePropertyName("type");
        RuleFor(x => x.Timestamp).NotNull().WithMessage("is required (ISO 8601 date-time)").OverridePropertyName("timestamp");
        RuleFor(x => x.Data).NotNull().WithMessage("is required").OverridePropertyName("data");

        When(x => x.Type == EventTypes.UserRetired && x.Data is not null, () =>
            RuleFor(x => x.Data!).SetValidator(new RetiredLearnerDataValidator()).OverridePropertyName("data"));
        When(x => x.Type == EventTypes.Check && x.Data is not null, () =>
            RuleFor(x => x.Data!.Site).Must(BeASite).WithMessage(SiteMessage).OverridePropertyName("data.site"));
    }

    internal const string SiteMessage = "is required: the LMS host name, 1 to 255 characters without spaces";

    internal static bool BeASite(string? site) =>
        !string.IsNullOrEmpty(site) && site.Length <= 255 && !site.Any(c => char.IsWhiteSpace(c) || char.IsControl(c));

    internal const string ControlCharactersMessage = "must not contain control characters";

    /// <summary>No LMS produces them, and some stores refuse them (PostgreSQL's text cannot hold U+0000): a 400 now,
    /// rather than a 503 the sender would retry for ever.</summary>
    internal static bool HaveNoControlCharacters(string? value) => value is null || !value.Any(char.IsControl);
}

internal sealed class RetiredLearnerDataValidator : AbstractValidator<NotificationData>
{
    private static readonly string[] IdentitySources = ["user_retirement_status", "user"];

    public RetiredLearnerDataValidator()
    {
        RuleFor(x => x.LmsUserId).NotNull().WithMessage("is required")
            .GreaterThan(0).WithMessage("must be a positive integer").OverridePropertyName("lms_user_id");
        RuleFor(x => x.Username).NotEmpty().WithMessage("is required")
            .MaximumLength(150).WithMessage("must be at most 150 characters")
            .Must(RetirementNotificationValidator.HaveNoControlCharacters).WithMessage(RetirementNotificationValidator.ControlCharactersMessage)
            .OverridePropertyName("username");
        RuleFor(x => x.Email).NotEmpty().WithMessage("is required")
            .MaximumLength(254).WithMessage("must be at most 254 characters")
            .Must(BeAnEmailAddress).WithMessage("must be an email address").OverridePropertyName("email");
        RuleFor(x => x.RetiredUsername).MaximumLength(254).WithMessage("must be at most 254 characters")
            .Must(RetirementNotificationValidator.HaveNoControlCharacters).WithMessage(RetirementNotificationValidator.ControlCharactersMessage)
            .OverridePropertyName("retired_username");
        RuleFor(x => x.RetiredEmail).MaximumLength(254).WithMessage("must be at most 254 characters")
            .Must(RetirementNotificationValidator.HaveNoControlCharacters).WithMessage(RetirementNotificationValidator.ControlCharactersMessage)
            .OverridePropertyName("retired_email");
        RuleFor(x => x.Site).Must(RetirementNotificationValidator.BeASite).WithMessage(RetirementNotificationValidator.SiteMessage)
            .OverridePropertyName("site");
        RuleFor(x => x.IdentitySource).Must(source => source is null || IdentitySources.Contains(source))
            .WithMessage("must be user_retirement_status or user").OverridePropertyName("identity_source");
    }

    /// <summary>Deliberately loose (one @ with text on both sides, no spaces or control characters): the LMS already validated the
    /// address, and refusing a real learner's odd address would block their erasure.</summary>
    private static bool BeAnEmailAddress(string? email)
    {
        if (string.IsNullOrEmpty(email) || email.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            return false;
        var at = email.LastIndexOf('@');
        return at > 0 && at < email.Length - 1;
    }
}
