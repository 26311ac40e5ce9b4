import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';

const SAMPLES = 50;
const BLOCK = Buffer.alloc(4096, 1);

/**
 * Median time of writing 4 KiB and fdatasync'ing it, in `dir` (where the SQLite files
 * live). Acknowledged SQLite writes wait for one such sync per commit, and on a shared
 * or virtual disk its time varies by run; this tells a slow disk from slow code.
 */
export async function medianDiskSyncMs(dir: string): Promise<number> {
  const file = join(dir, 'disk-sync-probe');
  const handle = await open(file, 'w');
  const times: number[] = [];
  try {
    for (let i = 0; i < SAMPLES; i++) {
      const started = performance.now();
      await handle.write(BLOCK, 0, BLOCK.length, 0);
      await handle.datasync();
      times.push(performance.now() - started);
    }
  } finally {
    await handle.close();
    await rm(file, { force: true });
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? 0;
}
