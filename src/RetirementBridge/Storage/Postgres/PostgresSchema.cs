namespace RetirementBridge.Storage.Postgres;

/// <summary>
/// The PostgreSQL schema: the same tables and columns as SQLite's latest version, so both stores read alike. Times are
/// Unix milliseconds (bigint), as in SQLite: exact comparisons and one mental model. Ids, and the names they are
/// sorted with, use the "C" collation: byte order, as SQLite sorts them, whatever the database's locale.
/// Versioned in the one-row table schema_version: add a step, never edit a shipped one.
/// </summary>
internal static class PostgresSchema
{
    public static readonly string[] Migrations =
    [
        """
        CREATE TABLE retirements (
            id                text COLLATE "C" PRIMARY KEY,
            webhook_id        text NOT NULL UNIQUE,
            body_sha256       text NOT NULL,
            lms_user_id       bigint NOT NULL,
            username          text,            -- erased once every delivery succeeded or was closed
            email             text,            -- erased once every delivery succeeded or was closed
            retired_username  text,
            retired_email     text,
            site              text NOT NULL,
            identity_source   text,
            event_timestamp   bigint,
            received_at       bigint NOT NULL,
            completed_at      bigint,
            pii_erased_at     bigint
        );
        CREATE TABLE deliveries (
            id                 text COLLATE "C" PRIMARY KEY,
            retirement_id      text COLLATE "C" NOT NULL REFERENCES retirements (id),
            deleter            text COLLATE "C" NOT NULL,
            status             text NOT NULL,
            attempts           integer NOT NULL DEFAULT 0,
            next_attempt_at    bigint,
            deadline_at        bigint NOT NULL,
            lease_owner        text,
            lease_expires_at   bigint,
            outcome            text,
            last_error         text,
            provider_reference text,
            created_at         bigint NOT NULL,
            updated_at         bigint NOT NULL,
            completed_at       bigint,
            closed_at          bigint,
            closed_by          text,
            close_reason       text,
            job_deadline_at    bigint,
            job_checks         integer NOT NULL DEFAULT 0,
            UNIQUE (retirement_id, deleter)
        );
        CREATE INDEX ix_deliveries_due ON deliveries (deleter, status, next_attempt_at);
        CREATE INDEX ix_deliveries_leases ON deliveries (deleter, lease_expires_at) WHERE status = 'in_progress';
        CREATE INDEX ix_deliveries_status ON deliveries (status, id);
        CREATE INDEX ix_retirements_unfinished ON retirements (id) WHERE pii_erased_at IS NULL;
        CREATE INDEX ix_retirements_learner ON retirements (lms_user_id, site);
        CREATE INDEX ix_retirements_completed ON retirements (completed_at);

        -- Deployment-wide limits shared by every replica (concurrency slots and a rate window per deleter).
        CREATE TABLE deleter_slots (deleter text NOT NULL, slot integer NOT NULL, owner text, expires_at bigint, PRIMARY KEY (deleter, slot));
        CREATE TABLE rate_permits (deleter text NOT NULL, taken_at timestamptz NOT NULL);
        CREATE INDEX ix_rate_permits ON rate_permits (deleter, taken_at);
        """,
    ];
}
