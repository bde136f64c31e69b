import {
  type ColumnDefinitionBuilder,
  type Kysely,
  type Migration,
  type MigrationProvider,
  Migrator,
  sql,
} from 'kysely';

/**
 * SQL dialects the store is written for. Only `sqlite` is opened today (`openDatabase`); the
 * migrations already know the one DDL difference of `postgres` (identity columns) so adding it
 * means adding a dialect, not rewriting migrations.
 */
export type StoreDialect = 'sqlite' | 'postgres';

/** Column builder for an increasing integer primary key in either dialect. */
function increasingId(dialect: StoreDialect) {
  return (column: ColumnDefinitionBuilder) =>
    dialect === 'sqlite'
      ? column.primaryKey().autoIncrement()
      : column.primaryKey().generatedByDefaultAsIdentity();
}

/**
 * The store's schema history, oldest first. Names sort in apply order; a released migration is
 * never edited, only followed by a new one. Written with Kysely's schema builder only, so the
 * same code creates the tables on SQLite and PostgreSQL.
 */
export function storeMigrations(dialect: StoreDialect): Record<string, Migration> {
  return {
    '0001_initial': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('users')
          .addColumn('id', 'varchar(64)', (col) => col.primaryKey())
          .addColumn('username', 'varchar(128)', (col) => col.notNull().unique())
          .addColumn('display_name', 'varchar(200)', (col) => col.notNull())
          .addColumn('password_hash', 'varchar(255)')
          .addColumn('role', 'varchar(16)', (col) =>
            col.notNull().check(sqlIn('role', ['admin', 'member', 'viewer'])),
          )
          .addColumn('disabled', 'integer', (col) => col.notNull().defaultTo(0))
          .addColumn('created_at', 'varchar(32)', (col) => col.notNull())
          .execute();

        await db.schema
          .createTable('teams')
          .addColumn('name', 'varchar(63)', (col) => col.primaryKey())
          .addColumn('display_name', 'varchar(200)', (col) => col.notNull())
          .addColumn('description', 'text', (col) => col.notNull())
          .addColumn('created_at', 'varchar(32)', (col) => col.notNull())
          .execute();

        await db.schema
          .createTable('team_members')
          .addColumn('team', 'varchar(63)', (col) =>
            col.notNull().references('teams.name').onDelete('cascade'),
          )
          .addColumn('user_id', 'varchar(64)', (col) =>
            col.notNull().references('users.id').onDelete('cascade'),
          )
          .addPrimaryKeyConstraint('team_members_pk', ['team', 'user_id'])
          .execute();
        await db.schema
          .createIndex('team_members_user_idx')
          .on('team_members')
          .column('user_id')
          .execute();

        await db.schema
          .createTable('sessions')
          .addColumn('id', 'varchar(64)', (col) => col.primaryKey())
          .addColumn('user_id', 'varchar(64)', (col) =>
            col.notNull().references('users.id').onDelete('cascade'),
          )
          .addColumn('csrf_token', 'varchar(64)', (col) => col.notNull())
          .addColumn('created_at', 'varchar(32)', (col) => col.notNull())
          .addColumn('expires_at', 'varchar(32)', (col) => col.notNull())
          .addColumn('last_seen_at', 'varchar(32)', (col) => col.notNull())
          .execute();
        await db.schema.createIndex('sessions_user_idx').on('sessions').column('user_id').execute();
        await db.schema
          .createIndex('sessions_expires_idx')
          .on('sessions')
          .column('expires_at')
          .execute();

        await db.schema
          .createTable('api_tokens')
          .addColumn('id', 'varchar(64)', (col) => col.primaryKey())
          .addColumn('user_id', 'varchar(64)', (col) =>
            col.notNull().references('users.id').onDelete('cascade'),
          )
          .addColumn('name', 'varchar(100)', (col) => col.notNull())
          .addColumn('token_hash', 'varchar(64)', (col) => col.notNull().unique())
          .addColumn('prefix', 'varchar(16)', (col) => col.notNull())
          .addColumn('created_at', 'varchar(32)', (col) => col.notNull())
          .addColumn('last_used_at', 'varchar(32)')
          .addColumn('expires_at', 'varchar(32)')
          .execute();
        await db.schema
          .createIndex('api_tokens_user_idx')
          .on('api_tokens')
          .column('user_id')
          .execute();

        await db.schema
          .createTable('audit_log')
          .addColumn('id', 'integer', increasingId(dialect))
          .addColumn('at', 'varchar(32)', (col) => col.notNull())
          .addColumn('actor', 'varchar(128)', (col) => col.notNull())
          .addColumn('actor_role', 'varchar(16)')
          .addColumn('action', 'varchar(100)', (col) => col.notNull())
          .addColumn('target_kind', 'varchar(64)', (col) => col.notNull())
          .addColumn('target_namespace', 'varchar(63)')
          .addColumn('target_name', 'varchar(253)')
          .addColumn('result', 'varchar(16)', (col) =>
            col.notNull().check(sqlIn('result', ['success', 'failure', 'denied'])),
          )
          .addColumn('status_code', 'integer')
          .addColumn('request_id', 'varchar(128)')
          .addColumn('source_ip', 'varchar(64)')
          .addColumn('details', 'text', (col) => col.notNull())
          .execute();
        for (const column of ['at', 'actor', 'action', 'target_namespace'] as const) {
          await db.schema
            .createIndex(`audit_log_${column}_idx`)
            .on('audit_log')
            .column(column)
            .execute();
        }

        await db.schema
          .createTable('idempotency_keys')
          .addColumn('user_id', 'varchar(64)', (col) =>
            col.notNull().references('users.id').onDelete('cascade'),
          )
          .addColumn('key', 'varchar(255)', (col) => col.notNull())
          .addColumn('method', 'varchar(16)', (col) => col.notNull())
          .addColumn('path', 'varchar(2048)', (col) => col.notNull())
          .addColumn('request_hash', 'varchar(64)', (col) => col.notNull())
          .addColumn('status_code', 'integer')
          .addColumn('response_body', 'text')
          .addColumn('created_at', 'varchar(32)', (col) => col.notNull())
          .addPrimaryKeyConstraint('idempotency_keys_pk', ['user_id', 'key'])
          .execute();
        await db.schema
          .createIndex('idempotency_keys_created_idx')
          .on('idempotency_keys')
          .column('created_at')
          .execute();
      },
    },
    '0002_audit_pending': {
      // Mutations are audited as `pending` before Kubernetes is called and updated with their
      // outcome after, so a crash in between leaves a visible entry that startup reconciles.
      // SQLite cannot change a CHECK constraint: the table is rebuilt with the same columns.
      async up(db: Kysely<unknown>) {
        const results = ['success', 'failure', 'denied', 'pending'];
        if (dialect === 'postgres') {
          await sql`alter table audit_log drop constraint audit_log_result_check`.execute(db);
          await sql`alter table audit_log add constraint audit_log_result_check check (${sqlIn('result', results)})`.execute(
            db,
          );
          return;
        }
        await db.schema
          .createTable('audit_log_next')
          .addColumn('id', 'integer', increasingId(dialect))
          .addColumn('at', 'varchar(32)', (col) => col.notNull())
          .addColumn('actor', 'varchar(128)', (col) => col.notNull())
          .addColumn('actor_role', 'varchar(16)')
          .addColumn('action', 'varchar(100)', (col) => col.notNull())
          .addColumn('target_kind', 'varchar(64)', (col) => col.notNull())
          .addColumn('target_namespace', 'varchar(63)')
          .addColumn('target_name', 'varchar(253)')
          .addColumn('result', 'varchar(16)', (col) =>
            col.notNull().check(sqlIn('result', results)),
          )
          .addColumn('status_code', 'integer')
          .addColumn('request_id', 'varchar(128)')
          .addColumn('source_ip', 'varchar(64)')
          .addColumn('details', 'text', (col) => col.notNull())
          .execute();
        await sql`insert into audit_log_next select * from audit_log`.execute(db);
        await db.schema.dropTable('audit_log').execute();
        await db.schema.alterTable('audit_log_next').renameTo('audit_log').execute();
        for (const column of ['at', 'actor', 'action', 'target_namespace', 'result'] as const) {
          await db.schema
            .createIndex(`audit_log_${column}_idx`)
            .on('audit_log')
            .column(column)
            .execute();
        }
      },
    },
    '0003_usernames_case_insensitive': {
      // `Alice` and `alice` must be one account: sign-in, team membership and the audit actor
      // all go by name. Both dialects support a unique index on an expression.
      async up(db: Kysely<unknown>) {
        const clashes = await sql<{ name: string }>`
          select lower(username) as name from users group by lower(username) having count(*) > 1
        `.execute(db);
        if (clashes.rows.length > 0) {
          const names = clashes.rows.map((row) => row.name).join(', ');
          throw new Error(
            `usernames that differ only in case exist (${names}); rename all but one of each before upgrading`,
          );
        }
        await db.schema
          .createIndex('users_username_lower_idx')
          .on('users')
          .unique()
          .expression(sql`lower(username)`)
          .execute();
      },
    },
    '0004_jobs': {
      // Jobs (issue 13): one row per Ray job the portal saw (RayJob or Jobs API submission), kept
      // after its cluster is gone; its log in compressed chunks, oldest dropped past the budget.
      // JSON columns are text; byte counts are doubles (exact to 2^53, PostgreSQL's bigint would
      // come back as a string); chunks are base64 of raw deflate so both dialects store them alike.
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('jobs')
          .addColumn('id', 'varchar(160)', (col) => col.primaryKey())
          .addColumn('team', 'varchar(63)', (col) => col.notNull())
          .addColumn('kind', 'varchar(16)', (col) => col.notNull())
          .addColumn('cluster', 'varchar(253)', (col) => col.notNull())
          .addColumn('rayjob_name', 'varchar(253)', (col) => col.notNull())
          .addColumn('submission_id', 'varchar(253)', (col) => col.notNull())
          .addColumn('owner', 'varchar(128)', (col) => col.notNull())
          .addColumn('origin', 'varchar(16)', (col) => col.notNull())
          .addColumn('catalog_id', 'varchar(63)', (col) => col.notNull())
          .addColumn('template', 'varchar(63)', (col) => col.notNull())
          .addColumn('entrypoint', 'text', (col) => col.notNull())
          .addColumn('phase', 'varchar(16)', (col) => col.notNull())
          .addColumn('status', 'text', (col) => col.notNull())
          .addColumn('timeline', 'text', (col) => col.notNull())
          .addColumn('request', 'text', (col) => col.notNull())
          .addColumn('gpus', 'double precision', (col) => col.notNull())
          .addColumn('gpu_seconds', 'double precision', (col) => col.notNull())
          .addColumn('gpu_accounted_at', 'varchar(32)')
          .addColumn('created_at', 'varchar(32)', (col) => col.notNull())
          .addColumn('started_at', 'varchar(32)')
          .addColumn('ended_at', 'varchar(32)')
          .addColumn('updated_at', 'varchar(32)', (col) => col.notNull())
          .addColumn('log_total_bytes', 'double precision', (col) => col.notNull())
          .addColumn('log_stored_from', 'double precision', (col) => col.notNull())
          .addColumn('log_complete', 'integer', (col) => col.notNull())
          .addColumn('cluster_gone', 'integer', (col) => col.notNull())
          .execute();
        for (const columns of [
          ['team', 'created_at'],
          ['created_at'],
          ['phase'],
          ['owner'],
          ['cluster'],
        ]) {
          await db.schema
            .createIndex(`jobs_${columns.join('_')}_idx`)
            .on('jobs')
            .columns(columns)
            .execute();
        }
        await db.schema
          .createTable('job_log_chunks')
          .addColumn('job_id', 'varchar(160)', (col) => col.notNull())
          .addColumn('offset', 'double precision', (col) => col.notNull())
          .addColumn('raw_bytes', 'integer', (col) => col.notNull())
          .addColumn('data', 'text', (col) => col.notNull())
          .addPrimaryKeyConstraint('job_log_chunks_pk', ['job_id', 'offset'])
          .execute();
        await db.schema
          .createTable('catalog_entries')
          .addColumn('id', 'varchar(63)', (col) => col.primaryKey())
          .addColumn('entry', 'text', (col) => col.notNull())
          .addColumn('created_by', 'varchar(128)', (col) => col.notNull())
          .addColumn('created_at', 'varchar(32)', (col) => col.notNull())
          .execute();
      },
    },
    '0006_usage': {
      // GPU-hours (src/server/services/UsageMeter.ts): one row per GPU pod's running interval,
      // open (`ended_at` null) while it runs; `last_seen_at` moves with the meter's heartbeat so
      // an interval whose pod vanished while the portal was down ends at the last sighting.
      // Idle intervals of clusters (no Ray job, no Serve app) are kept beside them.
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('gpu_usage')
          .addColumn('pod_uid', 'varchar(64)', (col) => col.primaryKey())
          .addColumn('namespace', 'varchar(63)', (col) => col.notNull())
          .addColumn('pod', 'varchar(253)', (col) => col.notNull())
          .addColumn('cluster', 'varchar(253)', (col) => col.notNull())
          .addColumn('owner', 'varchar(128)', (col) => col.notNull())
          .addColumn('template', 'varchar(128)', (col) => col.notNull())
          .addColumn('gpu_product', 'varchar(128)', (col) => col.notNull())
          .addColumn('gpus', 'integer', (col) => col.notNull())
          .addColumn('started_at', 'varchar(32)', (col) => col.notNull())
          .addColumn('ended_at', 'varchar(32)')
          .addColumn('last_seen_at', 'varchar(32)', (col) => col.notNull())
          .execute();
        for (const column of ['started_at', 'ended_at', 'namespace'] as const) {
          await db.schema
            .createIndex(`gpu_usage_${column}_idx`)
            .on('gpu_usage')
            .column(column)
            .execute();
        }
        await db.schema
          .createTable('cluster_idle')
          .addColumn('id', 'integer', increasingId(dialect))
          .addColumn('namespace', 'varchar(63)', (col) => col.notNull())
          .addColumn('cluster', 'varchar(253)', (col) => col.notNull())
          .addColumn('started_at', 'varchar(32)', (col) => col.notNull())
          .addColumn('ended_at', 'varchar(32)')
          .execute();
        await db.schema
          .createIndex('cluster_idle_cluster_idx')
          .on('cluster_idle')
          .columns(['namespace', 'cluster'])
          .execute();
      },
    },
    '0007_identity': {
      // External identities (ADR 0014): an SSO account is found by its key, never by its name,
      // so a proxy or IdP user called `admin` cannot become the local `admin`. Passwordless
      // accounts existing before this migration were provisioned by the trusted proxy.
      async up(db: Kysely<unknown>) {
        await db.schema.alterTable('users').addColumn('external_id', 'text').execute();
        await sql`
          update users set external_id = 'header:' || lower(username)
          where password_hash is null
        `.execute(db);
        await db.schema
          .createIndex('users_external_id_idx')
          .on('users')
          .unique()
          .column('external_id')
          .execute();
        // An OIDC session ends when its ID token expires, however active it is; the ID token
        // is kept as the logout hint for the provider.
        await db.schema.alterTable('sessions').addColumn('hard_expires_at', 'text').execute();
        await db.schema.alterTable('sessions').addColumn('id_token', 'text').execute();
      },
    },
  };
}

/** A CHECK expression `column IN ('a', 'b')` built from fixed identifiers (never user input). */
function sqlIn(column: string, values: readonly string[]) {
  return sql.raw(`${column} in (${values.map((value) => `'${value}'`).join(', ')})`);
}

/**
 * Applies every migration not applied yet, in order, and throws on the first failure (the
 * migrator runs each one in a transaction where the dialect allows).
 * @throws Error naming the failed migration
 */
export async function migrateToLatest(db: Kysely<unknown>, dialect: StoreDialect): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => storeMigrations(dialect) };
  // Unordered: migrations numbered below one already applied (0004–0006 were added after
  // 0007_identity shipped) still run on existing stores instead of failing the start.
  const { error, results } = await new Migrator({
    db,
    provider,
    allowUnorderedMigrations: true,
  }).migrateToLatest();
  if (error) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName;
    throw new Error(`Store migration ${failed ?? '(unknown)'} failed: ${String(error)}`, {
      cause: error,
    });
  }
}
