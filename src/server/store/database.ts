import type { Generated, Insertable, Selectable } from 'kysely';

import type { AuditResult } from '../../shared/api/auditSchemas.ts';
import type { UserRole } from '../../shared/api/authSchemas.ts';

/**
 * Conventions shared by every table, chosen so the same queries run on SQLite and PostgreSQL:
 * timestamps are ISO 8601 UTC strings from `Date#toISOString()` (fixed width, so they sort and
 * compare as text), booleans are integers 0/1, ids are random text except the audit log's
 * increasing integer.
 */
export interface UsersTable {
  /** Random UUID. */
  id: string;
  /** Unique login name; SSO users get the proxy's user header value. */
  username: string;
  display_name: string;
  /** `scrypt$N$r$p$salt$hash`; null for users provisioned by a trusted proxy. */
  password_hash: string | null;
  role: UserRole;
  /** 1 when the user may no longer sign in. */
  disabled: number;
  created_at: string;
  /**
   * Key of an external identity, unique: `oidc:<issuer>#<subject>` or `header:<lower(name)>`;
   * null for local accounts. SSO accounts are looked up by it, never by username (ADR 0014).
   */
  external_id: string | null;
}

/** A team is a Kubernetes namespace plus its members. */
export interface TeamsTable {
  /** The namespace name (DNS-1123 label), primary key. */
  name: string;
  display_name: string;
  description: string;
  created_at: string;
}

/** Stored memberships; SSO group memberships are computed per request and not stored. */
export interface TeamMembersTable {
  team: string;
  user_id: string;
}

/** Browser sessions. The cookie holds a random token; only its SHA-256 is stored. */
export interface SessionsTable {
  /** Hex SHA-256 of the cookie token. */
  id: string;
  user_id: string;
  /** Must come back as `x-csrf-token` on cookie-authenticated mutations. */
  csrf_token: string;
  created_at: string;
  /** Moves forward on use (sliding expiry). */
  expires_at: string;
  last_seen_at: string;
  /** Never passed, whatever the activity: the ID token's expiry for OIDC sessions, else null. */
  hard_expires_at: string | null;
  /** The OIDC ID token, kept only as `id_token_hint` for RP-initiated logout; else null. */
  id_token: string | null;
}

/** API tokens (`rdk_…`). Only the SHA-256 of the secret is stored. */
export interface ApiTokensTable {
  id: string;
  user_id: string;
  name: string;
  /** Hex SHA-256 of the whole token, unique. */
  token_hash: string;
  /** First characters of the token, shown in lists. */
  prefix: string;
  created_at: string;
  last_used_at: string | null;
  expires_at: string | null;
}

/** Append-only audit trail of every mutation. */
export interface AuditLogTable {
  id: Generated<number>;
  at: string;
  actor: string;
  actor_role: string | null;
  action: string;
  target_kind: string;
  target_namespace: string | null;
  target_name: string | null;
  result: AuditResult;
  status_code: number | null;
  request_id: string | null;
  source_ip: string | null;
  /** JSON object text. */
  details: string;
}

/** Remembered answers to requests carrying an `Idempotency-Key` header. */
export interface IdempotencyKeysTable {
  user_id: string;
  key: string;
  method: string;
  path: string;
  /** Hex SHA-256 of method, path and canonical body; a reused key must match it. */
  request_hash: string;
  /** Null while the first request is still being handled. */
  status_code: number | null;
  /** JSON text of the answer, null while in progress. */
  response_body: string | null;
  created_at: string;
}

/** One GPU pod's running interval (GPU-hours, migration 0006_usage). */
export interface GpuUsageTable {
  pod_uid: string;
  /** The team. */
  namespace: string;
  pod: string;
  /** `ray.io/cluster` of the pod; empty for pods outside Ray clusters. */
  cluster: string;
  /** `raydeck.dev/owner` of the cluster; empty when unknown. */
  owner: string;
  /** `raydeck.dev/template` of the cluster; empty when unknown. */
  template: string;
  /** `nvidia.com/gpu.product` of the pod's node; empty when unknown. */
  gpu_product: string;
  gpus: number;
  started_at: string;
  /** Null while the pod runs. */
  ended_at: string | null;
  /** When the meter last saw the pod running. */
  last_seen_at: string;
}

/** A cluster's idle interval: no running Ray job and no Serve app (migration 0006_usage). */
export interface ClusterIdleTable {
  id: Generated<number>;
  namespace: string;
  cluster: string;
  started_at: string;
  /** Null while idle. */
  ended_at: string | null;
}

/**
 * A job the portal saw (migration 0004_jobs): a RayJob or a Ray Jobs API submission. Empty strings
 * stand for unknown text fields (so indexes and filters need no null handling).
 */
export interface JobsTable {
  /** `s-<hash>` for submissions, `r-<hash>` for RayJobs (stable over restarts). */
  id: string;
  team: string;
  kind: 'rayjob' | 'submission';
  cluster: string;
  rayjob_name: string;
  submission_id: string;
  owner: string;
  origin: 'raydeck' | 'external';
  catalog_id: string;
  template: string;
  entrypoint: string;
  /** `JobPhase`, for filtering; the same as `status.phase`. */
  phase: string;
  /** JSON `JobStatus`. */
  status: string;
  /** JSON `JobTimelineEntry[]`. */
  timeline: string;
  /** JSON of what was submitted: runtimeEnv, entrypointResources, metadata, lifecycle, cluster. */
  request: string;
  gpus: number;
  /** GPU-seconds accounted up to `gpu_accounted_at`. */
  gpu_seconds: number;
  /** While Running: the time up to which `gpu_seconds` is accounted; else null. */
  gpu_accounted_at: string | null;
  created_at: string;
  started_at: string | null;
  ended_at: string | null;
  updated_at: string;
  log_total_bytes: number;
  log_stored_from: number;
  /** 1 once the whole log of a terminal job is captured. */
  log_complete: number;
  cluster_gone: number;
}

/** A piece of a job's log: base64 of raw-deflated UTF-8 starting at byte `offset`. */
export interface JobLogChunksTable {
  job_id: string;
  offset: number;
  raw_bytes: number;
  data: string;
}

/** A catalog entry added by an admin (JSON `CatalogEntryInput`). */
export interface CatalogEntriesTable {
  id: string;
  entry: string;
  created_by: string;
  created_at: string;
}

/** The Kysely database type of the portal store. */
export interface Database {
  users: UsersTable;
  teams: TeamsTable;
  team_members: TeamMembersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  audit_log: AuditLogTable;
  idempotency_keys: IdempotencyKeysTable;
  gpu_usage: GpuUsageTable;
  cluster_idle: ClusterIdleTable;
  jobs: JobsTable;
  job_log_chunks: JobLogChunksTable;
  catalog_entries: CatalogEntriesTable;
}

/** A users row as read. */
export type UserRow = Selectable<UsersTable>;
/** An audit_log row to insert (id is generated). */
export type NewAuditRow = Insertable<AuditLogTable>;
