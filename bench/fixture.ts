/**
 * The QRS site the start benchmarks run against, and the requests they send. The mixed
 * request names 10 tasks by id, 2 tags and 2 custom property values; each tag and value
 * selects 2 tasks of its own, so one request starts 18 distinct tasks after 5 lookups.
 */
import { TaskType, type SimTask } from '../src/simulator/index.js';
import type { LoadRequest } from './load/drive-load.js';

const ID_TASKS = 10;
const TASKS_PER_SELECTOR = 2;
// Tasks no request selects. Few, because the simulator shares the bench process's core
// and builds the full JSON of every task for every filter it evaluates.
const OTHER_TASKS = 4;

export const MIXED_TAGS = ['benchTag1', 'benchTag2'] as const;
export const MIXED_CUSTOM_PROPERTY = 'benchGroup';
export const MIXED_CUSTOM_PROPERTY_VALUES = ['group1', 'group2'] as const;

function benchGuid(n: number): string {
  return `b0000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

function task(n: number, name: string, extra: Partial<SimTask> = {}): SimTask {
  return { id: benchGuid(n), name, taskType: TaskType.Reload, enabled: true, tags: [], customProperties: [], ...extra };
}

function createSite() {
  let serial = 0;
  const next = (name: string, extra: Partial<SimTask> = {}) => task(++serial, name, extra);
  const byId = Array.from({ length: ID_TASKS }, (_, i) => next(`Bench task by id ${i + 1}`));
  const byTag = MIXED_TAGS.flatMap((tag) =>
    Array.from({ length: TASKS_PER_SELECTOR }, (_, i) => next(`Bench task tagged ${tag} ${i + 1}`, { tags: [tag] })),
  );
  const byCustomProperty = MIXED_CUSTOM_PROPERTY_VALUES.flatMap((value) =>
    Array.from({ length: TASKS_PER_SELECTOR }, (_, i) =>
      next(`Bench task in ${value} ${i + 1}`, { customProperties: [{ name: MIXED_CUSTOM_PROPERTY, value }] }),
    ),
  );
  const others = Array.from({ length: OTHER_TASKS }, (_, i) =>
    next(`Other task ${i + 1}`, { tags: ['nightly'], customProperties: [{ name: MIXED_CUSTOM_PROPERTY, value: 'other' }] }),
  );
  return { byId, byTag, byCustomProperty, others };
}

const { byId: idTasks, byTag: tagTasks, byCustomProperty: customPropertyTasks, others: otherTasks } = createSite();

export const BENCH_TASKS: readonly SimTask[] = [...idTasks, ...tagTasks, ...customPropertyTasks, ...otherTasks];

const firstIdTask = idTasks[0];
if (firstIdTask === undefined) throw new Error('bench fixture has no tasks');

/** Distinct tasks the mixed request starts. */
export const MIXED_STARTS = idTasks.length + tagTasks.length + customPropertyTasks.length;
/** QRS look-ups the mixed request needs: one for all ids, one per tag, one per custom property value. */
export const MIXED_LOOKUPS = 1 + MIXED_TAGS.length + MIXED_CUSTOM_PROPERTY_VALUES.length;

/** Start one task by id, as an upstream system does at the end of its batch. */
export const START_ONE: LoadRequest = { method: 'PUT', path: `/v4/reloadtask/${firstIdTask.id}/start`, body: '[]' };

/** Start 10 tasks by id, 2 tags and 2 custom property values in one request. */
export const START_MIXED: LoadRequest = {
  method: 'PUT',
  path: '/v4/reloadtask/-/start',
  body: JSON.stringify([
    ...idTasks.map((t) => ({ type: 'starttaskid', payload: { taskId: t.id } })),
    ...MIXED_TAGS.map((tag) => ({ type: 'starttasktag', payload: { tag } })),
    ...MIXED_CUSTOM_PROPERTY_VALUES.map((value) => ({
      type: 'starttaskcustomproperty',
      payload: { customPropertyName: MIXED_CUSTOM_PROPERTY, customPropertyValue: value },
    })),
  ]),
};

/** Key-value traffic: a load script's parameters, a bounded set of keys in one namespace. */
export const KV_NAMESPACE = 'bench-params';
export const KV_KEYS = 100;

const kvKey = (i: number) => `key-${i}`;
const kvValue = (i: number) => `2024-06-01T00:00:00Z batch ${i} ready`;

export const KV_GETS: readonly LoadRequest[] = Array.from({ length: KV_KEYS }, (_, i) => ({
  method: 'GET',
  path: `/v4/keyvalues/${KV_NAMESPACE}?key=${kvKey(i)}`,
}));

export const KV_POSTS: readonly LoadRequest[] = Array.from({ length: KV_KEYS }, (_, i) => ({
  method: 'POST',
  path: `/v4/keyvalues/${KV_NAMESPACE}`,
  body: JSON.stringify({ key: kvKey(i), value: kvValue(i) }),
}));
