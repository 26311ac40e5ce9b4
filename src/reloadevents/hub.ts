/**
 * Where reload-finished events meet the waits on them. The webhook route publishes; the
 * app's Qlik Cloud poller listens. One hub per app (no module state), so two apps in one
 * process (tests) never hear each other's events unless they share a Redis.
 */
import type { CloudReload } from '../qlikcloud/types.js';

export type ReloadFinishedListener = (reload: CloudReload) => void;

export interface ReloadFinishedHub {
  /** Hands the event to this instance's listeners at once, and to other instances' where shared. Never rejects. */
  publish(reload: CloudReload): Promise<void>;
  /** Returns the unsubscribe function. */
  subscribe(listener: ReloadFinishedListener): () => void;
  close(): Promise<void>;
}

/** The listeners of one instance; the base of every hub. */
export interface LocalListeners {
  deliver(reload: CloudReload): void;
  subscribe(listener: ReloadFinishedListener): () => void;
}

export function createLocalListeners(): LocalListeners {
  const listeners = new Set<ReloadFinishedListener>();
  return {
    deliver(reload) {
      for (const listener of listeners) listener(reload);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** Events stay in this process: one instance, or instances without a shared Redis. */
export function createLocalReloadFinishedHub(): ReloadFinishedHub {
  const local = createLocalListeners();
  return {
    async publish(reload) {
      local.deliver(reload);
    },
    subscribe: local.subscribe,
    close: async () => undefined,
  };
}
