using System.Data.Common;
using RetirementBridge.Deleters;
using static RetirementBridge.Storage.StoreValues;

namespace RetirementBridge.Storage;

/// <summary>The columns the admin reads select, and the views made from them: the same in every store, so the admin
/// API shows the same thing whichever store is behind it. None of them is the email or the username.</summary>
internal static class StoreRows
{
    public const string RetirementColumns =
        "id, webhook_id, lms_user_id, retired_username, site, identity_source, received_at, completed_at, pii_erased_at";

    public const string DeliveryColumns =
        "id, retirement_id, deleter, status, attempts, outcome, next_attempt_at, deadline_at, last_error, provider_reference, " +
        "created_at, updated_at, completed_at, closed_by, closed_at, close_reason, job_deadline_at, job_checks";

    /// <summary>A row of <see cref="RetirementColumns"/>, without its deliveries.</summary>
    public static RetirementView Retirement(DbDataReader reader) => new(
        reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.IsDBNull(3) ? null : reader.GetString(3),
        reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5), Time(reader.GetInt64(6)),
        Time(reader.GetValue(7)), !reader.IsDBNull(8), []);

    /// <summary>A row of <see cref="DeliveryColumns"/>.</summary>
    public static DeliveryView Delivery(DbDataReader reader)
    {
        var closure = reader.IsDBNull(13) ? null
            : new DeliveryClosure(reader.GetString(13), Time(reader.GetInt64(14)), reader.GetString(15));
        return new DeliveryView(
            reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4),
            reader.IsDBNull(5) ? null : reader.GetString(5), Time(reader.GetValue(6)), Time(reader.GetInt64(7)),
            reader.IsDBNull(8) ? null : reader.GetString(8), reader.IsDBNull(9) ? null : reader.GetString(9),
            Time(reader.GetInt64(10)), Time(reader.GetInt64(11)), Time(reader.GetValue(12)), closure,
            Time(reader.GetValue(16)), reader.GetInt32(17));
    }

    /// <summary>A claimed row: d.id, d.retirement_id, d.attempts, d.deadline_at, d.provider_reference, r.lms_user_id,
    /// r.username, r.email, r.retired_username, r.retired_email, r.site, d.job_deadline_at, d.job_checks. The one read
    /// that carries the identity: it goes to the deleter and nowhere else.</summary>
    public static ClaimedDelivery Claimed(DbDataReader reader, string deleter)
    {
        var learner = new RetiredLearner(
            reader.GetInt64(5), reader.GetString(6), reader.GetString(7),
            reader.IsDBNull(8) ? null : reader.GetString(8), reader.IsDBNull(9) ? null : reader.GetString(9),
            reader.GetString(10));
        return new ClaimedDelivery(
            reader.GetString(0), reader.GetString(1), deleter, reader.GetInt32(2), Time(reader.GetInt64(3)),
            reader.IsDBNull(4) ? null : reader.GetString(4), learner, Time(reader.GetValue(11)), reader.GetInt32(12));
    }
}
