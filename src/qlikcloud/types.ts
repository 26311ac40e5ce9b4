/**
 * The Qlik Cloud client's public surface: what the service needs of a Qlik Cloud tenant to
 * find apps, start reloads and follow them. Methods throw QlikCloudError subclasses when the
 * tenant could not be asked or answered unexpectedly, and RequestCancelledError for calls not
 * sent because their request was cancelled; "does not exist" is an ordinary return value.
 */

/** An app as `/api/v1/items` describes it. */
export interface CloudApp {
  /** The app id (the item's `resourceId`). */
  readonly id: string;
  readonly name: string;
  /** Names of the public collections (tags) the app is in, when known. */
  readonly tags: readonly string[];
}

/**
 * Qlik Cloud's reload statuses. Running: QUEUED, RELOADING, CANCELING; final: SUCCEEDED,
 * FAILED, CANCELED, EXCEEDED_LIMIT. Any other status is treated as running.
 */
export type CloudReloadStatus = string;

export interface CloudReload {
  readonly id: string;
  readonly appId: string;
  readonly status: CloudReloadStatus;
  readonly partial: boolean;
  /** ISO times; null while Qlik Cloud has none. */
  readonly creationTime: string | null;
  readonly startTime: string | null;
  readonly endTime: string | null;
  /** The reload's short summary log (not the script log), when Qlik Cloud sends one. */
  readonly log: string | null;
}

/** Everything one request looks up in Qlik Cloud. */
export interface AppQuery {
  readonly appIds: readonly string[];
  /** Tag names: apps in the public collection of exactly that name. */
  readonly tags: readonly string[];
}

export interface FoundApps {
  /** By the ids as given; ids Qlik Cloud does not know are absent. */
  readonly byId: Map<string, CloudApp>;
  /** `byTag[i]`: the apps in the public collection named `tags[i]` (none when there is no such collection). */
  readonly byTag: CloudApp[][];
}

export interface ReloadParameters {
  readonly partial: boolean;
  /** At most 20 names and values, each at most 256 characters (checked before any call). */
  readonly variables: Readonly<Record<string, string>>;
}

/**
 * Qlik Cloud either created a reload or said no. A refusal that means nothing started (the
 * app already has a reload pending, the tenant's reload quota is used up, any other 4xx) is
 * `started: false` with a reason; a lost answer (timeout, dropped connection, 5xx) throws.
 */
export type CloudStartResult =
  | { readonly started: true; readonly reloadId: string }
  | { readonly started: false; readonly reason: string };

export interface CloudCallOptions {
  /** The request the calls serve: once aborted, none of its remaining calls are sent. */
  readonly signal?: AbortSignal;
}

export interface QlikCloudClient {
  /**
   * Apps by id and by tag, in batched calls (bounded like the QRS lookups), paging through
   * `links.next` only on the tenant's own host.
   */
  findApps(query: AppQuery, options?: CloudCallOptions): Promise<FoundApps>;
  /**
   * POST /api/v1/reloads. A rate-limit 429 (nothing started) is retried after Retry-After,
   * within a bound; nothing else is ever retried.
   */
  startReload(appId: string, parameters: ReloadParameters, options?: CloudCallOptions): Promise<CloudStartResult>;
  /** Reloads of one app created at or after `since`, newest first. */
  getReloadsOfAppSince(appId: string, since: Date, options?: CloudCallOptions): Promise<CloudReload[]>;
  /** One reload by id; undefined when Qlik Cloud does not know it. */
  getReload(reloadId: string, options?: CloudCallOptions): Promise<CloudReload | undefined>;
  /**
   * The whole script log of one reload, `GET /api/v1/apps/{appId}/reloads/logs/{reloadId}`
   * (text/plain, CRLF lines), as Qlik Cloud sends it. Throws a QlikCloudError when it cannot
   * be read, a 404 included (no log for that reload of that app).
   */
  readScriptLog(appId: string, reloadId: string, options?: CloudCallOptions): Promise<string>;
  /** Proves the tenant is reachable and accepts our credentials. */
  probe(): Promise<void>;
  close(): Promise<void>;
}
