import { randomBytes } from 'node:crypto';

export type FinalReloadStatus = 'SUCCEEDED' | 'FAILED' | 'CANCELED' | 'EXCEEDED_LIMIT';
export type ReloadStatus = 'QUEUED' | 'RELOADING' | 'CANCELING' | FinalReloadStatus;

const FINAL: ReadonlySet<ReloadStatus> = new Set<ReloadStatus>(['SUCCEEDED', 'FAILED', 'CANCELED', 'EXCEEDED_LIMIT']);

/** What `type` a reload started through `POST /api/v1/reloads` has [DOC]. */
export const API_RELOAD_TYPE = 'external';

export function isFinal(status: ReloadStatus): status is FinalReloadStatus {
  return FINAL.has(status);
}

export function isFinalReloadStatus(value: string): value is FinalReloadStatus {
  return FINAL.has(value as ReloadStatus);
}

/** What a new reload is and how it will run, fixed when it is created. */
export interface NewReload {
  appId: string;
  appName: string;
  userId: string;
  partial: boolean;
  variables: Readonly<Record<string, string>>;
  weight?: number;
  /** Time in the queue before it starts reloading. */
  queuedMs: number;
  /** Time it reloads; Infinity runs until `finish` or `cancel`. */
  reloadMs: number;
  endStatus: FinalReloadStatus;
  scriptLogLines: number;
}

/** One reload; its status moves with time (QUEUED → RELOADING → final) or by `finish`/`cancel`. */
export interface SimReload extends Readonly<Omit<NewReload, 'queuedMs' | 'reloadMs' | 'endStatus'>> {
  readonly id: string;
  /** Epoch ms. */
  readonly creationTime: number;
  readonly status: ReloadStatus;
  /** Epoch ms it left the queue, once it has. */
  readonly startTime: number | undefined;
  /** Epoch ms it ended, once it has. */
  readonly endTime: number | undefined;
  /** The final status it has or will have. */
  readonly endStatus: FinalReloadStatus;
}

interface MutableReload extends SimReload {
  status: ReloadStatus;
  startTime: number | undefined;
  endTime: number | undefined;
  endStatus: FinalReloadStatus;
  /** Epoch ms of the next transitions (Infinity: not by time). */
  startsAt: number;
  endsAt: number;
}

export type CancelResult = 'canceled' | 'canceling' | 'not-cancellable';

export interface ReloadStore {
  create(reload: NewReload): SimReload;
  get(id: string): SimReload | undefined;
  /** Every reload, oldest first. */
  all(): readonly SimReload[];
  /** The app's reload that is QUEUED, RELOADING or CANCELING, if any. */
  pendingFor(appId: string): SimReload | undefined;
  /** Ends a reload that still runs at once, with `status` or its planned end status; false when it already ended. */
  finish(id: string, status?: FinalReloadStatus): boolean;
  cancel(id: string): CancelResult;
  /** Stops every timer; reloads stay where they are, reads included. */
  close(): void;
}

export interface ReloadStoreDeps {
  now(): number;
  /** Called once per reload, the moment it reaches its final status. */
  onFinished(reload: SimReload): void;
}

/** setTimeout's longest delay; a later transition is re-armed when this one fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Reloads whose state follows the clock. Every read first applies the transitions that are
 * due, so a reload read after its run time is final whether or not its timer has fired; the
 * timers exist so a reload nobody reads still ends (and its webhook goes out) on time.
 */
export function createReloadStore({ now, onFinished }: ReloadStoreDeps): ReloadStore {
  const reloads: MutableReload[] = [];
  const byId = new Map<string, MutableReload>();
  const pendingByApp = new Map<string, MutableReload>();
  const timers = new Map<string, NodeJS.Timeout>();

  let closed = false;

  function advance(reload: MutableReload, at: number): void {
    // A closed simulator's reloads stay where they are: nothing may end (and notify) after close.
    if (closed) return;
    if (reload.status === 'QUEUED' && at >= reload.startsAt) {
      reload.status = 'RELOADING';
      reload.startTime = reload.startsAt;
    }
    if ((reload.status === 'RELOADING' || reload.status === 'CANCELING') && at >= reload.endsAt) end(reload, reload.endsAt);
  }

  function end(reload: MutableReload, at: number): void {
    reload.status = reload.endStatus;
    reload.endTime = at;
    pendingByApp.delete(reload.appId);
    clearTimeout(timers.get(reload.id));
    timers.delete(reload.id);
    onFinished(reload);
  }

  function arm(reload: MutableReload): void {
    clearTimeout(timers.get(reload.id));
    timers.delete(reload.id);
    if (isFinal(reload.status)) return;
    const due = reload.status === 'QUEUED' ? reload.startsAt : reload.endsAt;
    if (!Number.isFinite(due)) return;
    const timer = setTimeout(
      () => {
        timers.delete(reload.id);
        advance(reload, now());
        arm(reload);
      },
      Math.min(MAX_TIMER_MS, Math.max(0, due - now())),
    );
    timers.set(reload.id, timer);
  }

  function current(id: string): MutableReload | undefined {
    const reload = byId.get(id);
    if (reload !== undefined) advance(reload, now());
    return reload;
  }

  return {
    create(plan) {
      const { queuedMs, reloadMs, ...rest } = plan;
      const creationTime = now();
      const reload: MutableReload = {
        ...rest,
        // Qlik's reload ids are 24 hex digits, like its other object ids [INF].
        id: randomBytes(12).toString('hex'),
        creationTime,
        status: 'QUEUED',
        startTime: undefined,
        endTime: undefined,
        startsAt: creationTime + queuedMs,
        endsAt: creationTime + queuedMs + reloadMs,
      };
      reloads.push(reload);
      byId.set(reload.id, reload);
      pendingByApp.set(reload.appId, reload);
      arm(reload);
      return { ...reload };
    },
    get: (id) => current(id),
    all() {
      const at = now();
      for (const reload of pendingByApp.values()) advance(reload, at);
      return reloads;
    },
    pendingFor(appId) {
      const reload = pendingByApp.get(appId);
      if (reload !== undefined) advance(reload, now());
      return pendingByApp.get(appId);
    },
    finish(id, status) {
      const reload = current(id);
      if (reload === undefined || isFinal(reload.status)) return false;
      if (status !== undefined) reload.endStatus = status;
      const at = now();
      reload.startTime ??= at;
      end(reload, at);
      return true;
    },
    cancel(id) {
      const reload = current(id);
      if (reload === undefined || isFinal(reload.status)) return 'not-cancellable';
      reload.endStatus = 'CANCELED';
      if (reload.status === 'QUEUED') {
        end(reload, now());
        return 'canceled';
      }
      // The engine stops at its next step: CANCELING until then (here: the next read or tick).
      reload.status = 'CANCELING';
      reload.endsAt = now();
      arm(reload);
      return 'canceling';
    },
    close() {
      closed = true;
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
    },
  };
}
