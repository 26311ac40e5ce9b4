import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** taskType as the QRS model reference defines it (ctrl-q-nr's swapped 2/3 is not followed). */
export const TaskType = { Reload: 0, ExternalProgram: 1, UserSync: 2, Distribute: 3 } as const;

export interface SimCustomPropertyValue {
  name: string;
  value: string;
}

/** One task as an admin sees it in the QMC; the server turns it into QRS JSON. */
export interface SimTask {
  id: string;
  name: string;
  /** 0 reload, 1 external program, 2 user sync, 3 distribute. */
  taskType: number;
  enabled: boolean;
  tags: string[];
  /** One entry per value: a property with two values appears twice, as in QRS. */
  customProperties: SimCustomPropertyValue[];
  appId?: string;
  appName?: string;
}

/** Tasks in the order QRS answers them. */
export type Fixture = SimTask[];

export const DEMO_FIXTURE_PATH = fileURLToPath(new URL('./fixtures/demo.json', import.meta.url));

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class FixtureError extends Error {
  readonly code = 'SIM_ERR_FIXTURE';

  constructor(path: string, detail: string, options?: ErrorOptions) {
    super(`Invalid simulator fixture ${path}: ${detail}`, options);
    this.name = 'FixtureError';
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

function isCustomPropertyValue(value: unknown): value is SimCustomPropertyValue {
  return isRecord(value) && typeof value.name === 'string' && typeof value.value === 'string';
}

function toTask(path: string, raw: unknown, where: string): SimTask {
  if (!isRecord(raw)) throw new FixtureError(path, `${where} is not an object`);
  const { id, name, taskType, enabled, tags, customProperties, appId, appName } = raw;
  if (typeof id !== 'string' || !GUID.test(id)) throw new FixtureError(path, `${where}: id must be a GUID`);
  if (typeof name !== 'string' || name === '') throw new FixtureError(path, `${where}: name must be a non-empty string`);
  if (typeof taskType !== 'number' || !Object.values(TaskType).includes(taskType as 0)) {
    throw new FixtureError(path, `${where}: taskType must be 0, 1, 2 or 3`);
  }
  if (typeof enabled !== 'boolean') throw new FixtureError(path, `${where}: enabled must be a boolean`);
  if (!isStringArray(tags)) throw new FixtureError(path, `${where}: tags must be an array of strings`);
  if (!Array.isArray(customProperties) || !customProperties.every(isCustomPropertyValue)) {
    throw new FixtureError(path, `${where}: customProperties must be an array of {name, value}`);
  }
  if (appId !== undefined && (typeof appId !== 'string' || !GUID.test(appId))) {
    throw new FixtureError(path, `${where}: appId must be a GUID`);
  }
  if (appName !== undefined && typeof appName !== 'string') {
    throw new FixtureError(path, `${where}: appName must be a string`);
  }
  const task: SimTask = {
    id: id.toLowerCase(),
    name,
    taskType,
    enabled,
    tags: [...tags],
    customProperties: customProperties.map((cp) => ({ name: cp.name, value: cp.value })),
  };
  if (appId !== undefined) task.appId = appId.toLowerCase();
  if (appName !== undefined) task.appName = appName;
  return task;
}

/**
 * Reads a fixture file: a JSON array whose entries `toEntry` validates (throwing FixtureError)
 * and whose ids must be unique. `noun` names an entry in messages.
 */
export function readFixtureEntries<T extends { id: string }>(path: string, noun: string, toEntry: (raw: unknown, where: string) => T): T[] {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new FixtureError(path, err instanceof Error ? err.message : String(err), { cause: err });
  }
  if (!Array.isArray(raw)) throw new FixtureError(path, `expected a JSON array of ${noun}s`);
  const entries = raw.map((entry, index) => toEntry(entry, `${noun} #${index}`));
  const seen = new Set<string>();
  for (const entry of entries) {
    if (seen.has(entry.id)) throw new FixtureError(path, `duplicate ${noun} id ${entry.id}`);
    seen.add(entry.id);
  }
  return entries;
}

/** Reads and validates a fixture file: a JSON array of SimTask with unique GUID ids. */
export function loadFixture(path: string): Fixture {
  return readFixtureEntries(path, 'task', (raw, where) => toTask(path, raw, where));
}
