using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace RetirementBridge.Deleters.Amplitude;

/// <summary>One Amplitude deletion job as the deleter reads it: the day it is scheduled to run, and its status.</summary>
internal sealed record AmplitudeJob(DateOnly Day, string Status);

/// <summary>
/// Reads Amplitude's job lists and names jobs. Amplitude gives a job no id: a project's deletion job is known by the
/// day it is scheduled to run (10 to 13 days after the first request batched into it), so the deleter's job reference
/// is that day, "amplitude job 2026-12-05". Only <c>day</c> and <c>status</c> are read: the rest of a job (Amplitude
/// ids, requesters, invalid ids) is never looked at, let alone put in an outcome.
/// </summary>
internal static partial class AmplitudeJobs
{
    /// <summary>Not started; more requests may still be batched into it.</summary>
    public const string Staging = "staging";

    /// <summary>Submitted to run (three days before its day); it can no longer be changed.</summary>
    public const string Submitted = "submitted";

    /// <summary>Finished: the data is scrubbed and, Amplitude says, the backups that held it are gone too.</summary>
    public const string Done = "done";

    private const string DayFormat = "yyyy-MM-dd";

    public static string Format(DateOnly day) => day.ToString(DayFormat, CultureInfo.InvariantCulture);

    /// <summary>True for the three statuses Amplitude documents; anything else is a job the deleter cannot vouch for.</summary>
    public static bool IsKnown(string status) => status is Staging or Submitted or Done;

    /// <summary>
    /// Reads a list of jobs (<c>[{"day":"2026-12-05","status":"staging",...}]</c>) or a single job object. False when
    /// the body is anything else, or any job lacks a YYYY-MM-DD <c>day</c> or a <c>status</c>: an answer the deleter
    /// cannot read in full is never taken for a scheduled deletion.
    /// </summary>
    public static bool TryRead(JsonElement body, out List<AmplitudeJob> jobs)
    {
        jobs = [];
        switch (body.ValueKind)
        {
            case JsonValueKind.Array:
                foreach (var element in body.EnumerateArray())
                {
                    if (!TryReadJob(element, out var job))
                        return false;
                    jobs.Add(job);
                }
                return true;
            case JsonValueKind.Object:
                if (!TryReadJob(body, out var single))
                    return false;
                jobs.Add(single);
                return true;
            default:
                return false;
        }
    }

    private static bool TryReadJob(JsonElement element, out AmplitudeJob job)
    {
        job = null!;
        if (element.ValueKind != JsonValueKind.Object
            || !element.TryGetProperty("day", out var day) || day.ValueKind != JsonValueKind.String
            || !DateOnly.TryParseExact(day.GetString(), DayFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var scheduled)
            || !element.TryGetProperty("status", out var status) || status.ValueKind != JsonValueKind.String
            || string.IsNullOrWhiteSpace(status.GetString()))
            return false;
        job = new AmplitudeJob(scheduled, status.GetString()!.Trim().ToLowerInvariant());
        return true;
    }

    /// <summary>"amplitude job 2026-12-05", or "amplitude jobs 2026-12-05 2026-12-08" when one request landed in several.</summary>
    public static string Reference(IEnumerable<DateOnly> days)
    {
        var distinct = days.Distinct().Order().ToList();
        return distinct.Count == 1
            ? $"amplitude job {Format(distinct[0])}"
            : $"amplitude jobs {string.Join(' ', distinct.Select(Format))}";
    }

    /// <summary>The job days a reference made by <see cref="Reference"/> names; false for any other text.</summary>
    public static bool TryParseReference(string? reference, out IReadOnlyList<DateOnly> days)
    {
        days = [];
        var match = reference is null ? Match.Empty : ReferenceFormat().Match(reference);
        if (!match.Success)
            return false;
        var parsed = new List<DateOnly>();
        foreach (var text in match.Groups["days"].Value.Split(' '))
        {
            if (!DateOnly.TryParseExact(text, DayFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
                return false;
            parsed.Add(day);
        }
        days = parsed.Distinct().Order().ToList();
        return true;
    }

    /// <summary>A status fit for an outcome's reason: Amplitude's word if it is a short plain word, else a placeholder.</summary>
    public static string Describe(string status) =>
        status.Length <= 32 && PlainWord().IsMatch(status) ? status : "(unrecognised)";

    [GeneratedRegex(@"^amplitude jobs? (?<days>\d{4}-\d{2}-\d{2}(?: \d{4}-\d{2}-\d{2})*)$")]
    private static partial Regex ReferenceFormat();

    [GeneratedRegex("^[a-z0-9_-]+$")]
    private static partial Regex PlainWord();
}
