/** What the bench process and a server child say to each other over the IPC channel. */
export interface UsageSample {
  rssBytes: number;
  heapUsedBytes: number;
  /** User plus system CPU time the child has used since it started. */
  cpuMicros: number;
}

export type ToChild = { kind: 'usage'; collectGarbage: boolean } | { kind: 'close' };

export type FromChild =
  | { kind: 'ready'; url: string }
  | { kind: 'failed'; message: string }
  | ({ kind: 'usage' } & UsageSample);

export function isFromChild(message: unknown): message is FromChild {
  return typeof message === 'object' && message !== null && 'kind' in message;
}
