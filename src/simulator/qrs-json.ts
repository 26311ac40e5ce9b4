import { executionResultJson, neverRunResultJson } from './execution-json.js';
import { currentRun, type ExecutionLog } from './executions.js';
import { TaskType, type SimTask } from './fixture.js';
import { NEVER, stableGuid } from './qrs-ids.js';
import type { TaskStore } from './task-store.js';

export { EMPTY_GUID } from './qrs-ids.js';

const FIXTURE_DATE = '2024-05-14T08:30:00.000Z';
const REPOSITORY_USER = 'INTERNAL\\sa_repository';

function audit(): Record<string, string> {
  return { createdDate: FIXTURE_DATE, modifiedDate: FIXTURE_DATE, modifiedByUserName: REPOSITORY_USER };
}

/** Builds the JSON shapes QRS answers with, from the simulator's tasks. */
export interface QrsJson {
  condensedTask(task: SimTask): Record<string, unknown>;
  fullTask(task: SimTask): Record<string, unknown>;
  about(): Record<string, unknown>;
}

export function createQrsJson(store: TaskStore, executions: ExecutionLog, now: () => number): QrsJson {
  // The QMC offers every value used anywhere as a choice of that property's definition.
  const choiceValues = new Map<string, string[]>();
  for (const task of store.all()) {
    for (const cp of task.customProperties) {
      const values = choiceValues.get(cp.name) ?? [];
      if (!values.includes(cp.value)) values.push(cp.value);
      choiceValues.set(cp.name, values);
    }
  }

  function customProperties(task: SimTask): Record<string, unknown>[] {
    return task.customProperties.map((cp, index) => ({
      id: stableGuid(`custom-property-value:${task.id}:${index}`),
      ...audit(),
      value: cp.value,
      definition: {
        id: stableGuid(`custom-property:${cp.name}`),
        name: cp.name,
        valueType: 'Text',
        choiceValues: choiceValues.get(cp.name) ?? [],
        privileges: null,
      },
      schemaPath: 'CustomPropertyValue',
    }));
  }

  function lastResult(task: SimTask): Record<string, unknown> {
    const last = executions.lastOf(task.id);
    if (last === undefined) return neverRunResultJson(task);
    const at = now();
    return executionResultJson(currentRun(last, at), at);
  }

  function app(task: SimTask): Record<string, unknown> {
    // A reload task always has an app; one the fixture leaves out gets a derived one.
    return {
      id: task.appId ?? stableGuid(`app:${task.id}`),
      name: task.appName ?? task.name,
      appId: '',
      publishTime: NEVER,
      published: false,
      stream: null,
      savedInProductVersion: '14.187.4',
      migrationHash: '',
      availabilityStatus: 0,
      privileges: null,
    };
  }

  return {
    condensedTask: (task) => ({
      id: task.id,
      name: task.name,
      taskType: task.taskType,
      enabled: task.enabled,
      privileges: null,
    }),

    fullTask(task) {
      const isReload = task.taskType === TaskType.Reload;
      const common = {
        id: task.id,
        ...audit(),
        customProperties: customProperties(task),
        name: task.name,
        taskType: task.taskType,
        enabled: task.enabled,
        taskSessionTimeout: 1440,
        maxRetries: 0,
        tags: task.tags.map((name) => ({ id: stableGuid(`tag:${name}`), name, privileges: null })),
        privileges: null,
        isManuallyTriggered: false,
        operational: {
          id: stableGuid(`operational:${task.id}`),
          lastExecutionResult: lastResult(task),
          nextExecution: NEVER,
          privileges: null,
        },
      };
      if (isReload) {
        return { ...common, app: app(task), isPartialReload: false, timeToLive: 0, schemaPath: 'ReloadTask' };
      }
      if (task.taskType === TaskType.ExternalProgram) {
        return { ...common, path: 'C:\\Scripts\\run.cmd', parameters: '', schemaPath: 'ExternalProgramTask' };
      }
      return { ...common, schemaPath: 'Task' };
    },

    about: () => ({
      buildVersion: '34.24.3',
      buildDate: '5/14/2024 8:00:00 AM',
      databaseProvider: 'Devart.Data.PostgreSql',
      nodeType: 1,
      sharedPersistence: true,
      requiresBootstrap: false,
      singleNodeOnly: false,
      schemaPath: 'About',
    }),
  };
}
