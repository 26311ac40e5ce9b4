import { createHash } from 'node:crypto';
import { TaskType, type SimTask } from './fixture.js';
import type { ExecutionRecord, TaskStore } from './task-store.js';

/** QRS's "never" date, used for unset timestamps. */
const NEVER = '1753-01-01T00:00:00.000Z';
const FIXTURE_DATE = '2024-05-14T08:30:00.000Z';
const REPOSITORY_USER = 'INTERNAL\\sa_repository';
export const EMPTY_GUID = '00000000-0000-0000-0000-000000000000';

const STATUS_NEVER_STARTED = 0;
const STATUS_FINISHED_SUCCESS = 7;

/** A GUID derived from `key`, so tags and custom properties keep their ids across runs. */
export function stableGuid(key: string): string {
  const hex = createHash('sha1').update(key).digest('hex');
  const variant = ((parseInt(hex.slice(16, 18), 16) & 0x3f) | 0x80).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(18, 20)}-${hex.slice(20, 32)}`;
}

function audit(): Record<string, string> {
  return { createdDate: FIXTURE_DATE, modifiedDate: FIXTURE_DATE, modifiedByUserName: REPOSITORY_USER };
}

function lastExecutionResult(task: SimTask, execution: ExecutionRecord | undefined): Record<string, unknown> {
  if (execution === undefined) {
    return {
      id: stableGuid(`execution-result:${task.id}`),
      executingNodeName: '',
      status: STATUS_NEVER_STARTED,
      startTime: NEVER,
      stopTime: NEVER,
      duration: 0,
      fileReferenceID: EMPTY_GUID,
      scriptLogAvailable: false,
      details: [],
      scriptLogSize: 0,
      privileges: null,
    };
  }
  // A simulated reload finishes the moment it starts.
  const at = execution.startTime.toISOString();
  return {
    id: stableGuid(`execution-result:${execution.sessionId}`),
    executingNodeName: 'sim-node',
    status: STATUS_FINISHED_SUCCESS,
    startTime: at,
    stopTime: at,
    duration: 0,
    fileReferenceID: EMPTY_GUID,
    scriptLogAvailable: false,
    details: [
      { detailsType: 2, message: 'Changing task state to Started', detailCreatedDate: at },
      { detailsType: 2, message: 'Changing task state to FinishedSuccess', detailCreatedDate: at },
    ],
    scriptLogSize: 0,
    privileges: null,
  };
}

/** Builds the JSON shapes QRS answers with, from the simulator's tasks. */
export interface QrsJson {
  condensedTask(task: SimTask): Record<string, unknown>;
  fullTask(task: SimTask): Record<string, unknown>;
  about(): Record<string, unknown>;
}

export function createQrsJson(store: TaskStore): QrsJson {
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
          lastExecutionResult: lastExecutionResult(task, store.lastExecution(task.id)),
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
