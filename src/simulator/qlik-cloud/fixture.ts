import { fileURLToPath } from 'node:url';
import { FixtureError, isRecord, readFixtureEntries } from '../fixture.js';

/** One Qlik Cloud app as a tenant admin sees it; the simulator turns it into items and collections. */
export interface SimCloudApp {
  /** The app id, a lower-case GUID (what reloads and items call `appId` / `resourceId`). */
  id: string;
  name: string;
  spaceId?: string;
  /** Names of the public collections ("tags") the app is in. */
  tags: string[];
  /** How long its reloads run; the simulator's `reloadMs` when absent. */
  reloadMs?: number;
  /** Its reloads end FAILED (unless a hook says otherwise). */
  fails?: boolean;
  /** Lines in the script log of each of its reloads; the simulator's default when absent. */
  scriptLogLines?: number;
}

export const DEMO_CLOUD_FIXTURE_PATH = fileURLToPath(new URL('./fixtures/demo.json', import.meta.url));

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const SPACE_ID = /^[0-9a-f]{24}$/i;

function toApp(path: string, raw: unknown, where: string): SimCloudApp {
  if (!isRecord(raw)) throw new FixtureError(path, `${where} is not an object`);
  const { id, name, spaceId, tags, reloadMs, fails, scriptLogLines } = raw;
  if (typeof id !== 'string' || !GUID.test(id)) throw new FixtureError(path, `${where}: id must be a GUID`);
  if (typeof name !== 'string' || name === '') throw new FixtureError(path, `${where}: name must be a non-empty string`);
  if (spaceId !== undefined && (typeof spaceId !== 'string' || !SPACE_ID.test(spaceId))) {
    throw new FixtureError(path, `${where}: spaceId must be 24 hex digits`);
  }
  if (!Array.isArray(tags) || !tags.every((tag) => typeof tag === 'string' && tag !== '')) {
    throw new FixtureError(path, `${where}: tags must be an array of non-empty strings`);
  }
  if (reloadMs !== undefined && (typeof reloadMs !== 'number' || !Number.isInteger(reloadMs) || reloadMs < 0)) {
    throw new FixtureError(path, `${where}: reloadMs must be a whole number >= 0`);
  }
  if (fails !== undefined && typeof fails !== 'boolean') throw new FixtureError(path, `${where}: fails must be a boolean`);
  if (scriptLogLines !== undefined && (typeof scriptLogLines !== 'number' || !Number.isInteger(scriptLogLines) || scriptLogLines < 1)) {
    throw new FixtureError(path, `${where}: scriptLogLines must be a whole number >= 1`);
  }
  const app: SimCloudApp = { id: id.toLowerCase(), name, tags: [...new Set(tags)] };
  if (spaceId !== undefined) app.spaceId = spaceId.toLowerCase();
  if (reloadMs !== undefined) app.reloadMs = reloadMs;
  if (fails !== undefined) app.fails = fails;
  if (scriptLogLines !== undefined) app.scriptLogLines = scriptLogLines;
  return app;
}

/** Reads and validates a fixture file: a JSON array of SimCloudApp with unique ids. */
export function loadCloudFixture(path: string): SimCloudApp[] {
  return readFixtureEntries(path, 'app', (raw, where) => toApp(path, raw, where));
}
