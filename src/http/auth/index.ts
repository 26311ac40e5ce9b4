export { authorizeCallers } from './authorize.js';
export { callerLabel, callerOf, identifyCallers, type Caller } from './caller.js';
export { ForbiddenError, UnauthorizedError } from './errors.js';
export { grants, isListedRoute, requirementFor, SCOPED_ROUTES, type Requirement } from './scope-table.js';
