import type { FilterSchema } from './filter/index.js';

/**
 * Task properties the simulator filters on, by lower-cased path. Live QRS knows many more;
 * these are the ones clients of the start-task API use (Butler, ctrl-q, BSI).
 */
export const TASK_FILTER_SCHEMA: FilterSchema = {
  id: { type: 'guid' },
  name: { type: 'string' },
  enabled: { type: 'boolean' },
  tasktype: { type: 'number', names: { reload: 0, externalprogram: 1, usersync: 2, distribute: 3 } },
  'tags.id': { type: 'guid' },
  'tags.name': { type: 'string' },
  'customproperties.value': { type: 'string' },
  'customproperties.definition.id': { type: 'guid' },
  'customproperties.definition.name': { type: 'string' },
  'app.id': { type: 'guid' },
  'app.name': { type: 'string' },
};
