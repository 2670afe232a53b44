namespace Scenarios;

/// <summary>
/// Fills a bridge's store with N finished retirements, one INSERT per table: each erased (no username or email left,
/// as the bridge leaves them), with its one succeeded Brevo delivery. Ids and hashes have the bridge's shape and length.
/// </summary>
internal static class Prefill
{
    public static string Sql(bool postgres, int count)
    {
        var t = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var deadline = t + (long)TimeSpan.FromDays(7).TotalMilliseconds;
        // (id, webhook_id, body_sha256, lms_user_id, retired_username, retired_email) for i = 1..count.
        var learners = postgres
            ? $"""
              SELECT 'ret_' || lpad(to_hex(i), 32, '0'), 'msg_prefill_' || i, lpad(to_hex(i), 64, '0'), 500000000 + i,
                     'retired__user_' || lpad(to_hex(i), 32, '0'), 'retired__user_' || lpad(to_hex(i), 32, '0') || '@retired.invalid'
              FROM generate_series(1, {count}) AS i
              """
            : $"""
              WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {count})
              SELECT printf('ret_%032x', i), 'msg_prefill_' || i, printf('%064x', i), 500000000 + i,
                     printf('retired__user_%032x', i), printf('retired__user_%032x@retired.invalid', i)
              FROM n
              """;
        return $"""
            INSERT INTO retirements (id, webhook_id, body_sha256, lms_user_id, retired_username, retired_email,
                                     site, identity_source, event_timestamp, received_at, completed_at, pii_erased_at)
            SELECT l.*, 'bench.example.edu', 'user_retirement_status', {t}, {t}, {t}, {t} FROM ({learners}) AS l;
            INSERT INTO deliveries (id, retirement_id, deleter, status, attempts, deadline_at, outcome, created_at, updated_at, completed_at)
            SELECT 'dlv_' || substr(id, 5), id, 'brevo', 'succeeded', 1, {deadline}, 'deleted', {t}, {t}, {t} FROM retirements;
            {(postgres ? "ANALYZE retirements; ANALYZE deliveries;" : "ANALYZE;")}
            """;
    }
}
