/**
 * Rules spanning the two backends' keys: at least one backend on, and a Qlik Cloud section
 * that can be used (a tenant URL we may call, one kind of credentials, a task map keyed by
 * task IDs). Credentials are only ever said to be missing or doubled, never shown.
 */
import { problemAt, type ConfigProblem } from './config-validation-error.js';
import { GUID_PATTERN } from './schema.js';
import { isLoopbackHost } from './security-warnings.js';
import { describeValue, isMapping, valueAt } from './value-shape.js';
import type { KeyPath, ValueSources } from './value-sources.js';

const QRS_ENABLE: KeyPath = ['Butler', 'configQRS', 'enable'];
const CLOUD: KeyPath = ['Butler', 'qlikCloud'];
const CLOUD_ENABLE: KeyPath = [...CLOUD, 'enable'];
const GUID = new RegExp(GUID_PATTERN);

export function backendProblems(document: unknown, sources: ValueSources): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const cloud = valueAt(document, CLOUD);
  if (valueAt(document, QRS_ENABLE) === false && isMapping(cloud) && cloud.enable === false) {
    const complaint = 'and Butler.qlikCloud.enable are both false: at least one backend must be on';
    problems.push(problemAt(QRS_ENABLE, sources, complaint));
  }
  if (!isMapping(cloud)) return problems;
  if (cloud.enable === true) problems.push(...enabledCloudProblems(cloud, sources), ...webhookProblems(cloud, sources));
  problems.push(...tenantUrlProblems(cloud.tenantUrl, sources), ...taskMapProblems(cloud.taskMap, sources));
  return problems;
}

function enabledCloudProblems(cloud: Record<string, unknown>, sources: ValueSources): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const whenEnabled = 'when qlikCloud.enable is true';
  if (cloud.tenantUrl === null) {
    problems.push(problemAt([...CLOUD, 'tenantUrl'], sources, `must be set ${whenEnabled}`, CLOUD_ENABLE));
  }
  const oauth = isMapping(cloud.oauth) ? cloud.oauth : {};
  const hasApiKey = typeof cloud.apiKey === 'string';
  const hasClientId = typeof oauth.clientId === 'string';
  const hasClientSecret = typeof oauth.clientSecret === 'string';
  if (hasApiKey && (hasClientId || hasClientSecret)) {
    problems.push(problemAt([...CLOUD, 'apiKey'], sources, 'and oauth.clientId/clientSecret are both set: use one of them'));
  } else if (!hasApiKey && !hasClientId && !hasClientSecret) {
    const complaint = `(or oauth.clientId and oauth.clientSecret) must be set ${whenEnabled}`;
    problems.push(problemAt([...CLOUD, 'apiKey'], sources, complaint, CLOUD_ENABLE));
  } else if (hasClientId !== hasClientSecret) {
    const [missing, given] = hasClientId ? ['clientSecret', 'clientId'] : ['clientId', 'clientSecret'];
    problems.push(problemAt([...CLOUD, 'oauth', missing], sources, `must be set with oauth.${given}`, [...CLOUD, 'oauth', given]));
  }
  return problems;
}

/** An enabled webhook without a secret would accept anyone's events: the signature is its only authentication. */
function webhookProblems(cloud: Record<string, unknown>, sources: ValueSources): ConfigProblem[] {
  const webhook = isMapping(cloud.webhook) ? cloud.webhook : {};
  if (webhook.enable !== true || typeof webhook.secret === 'string') return [];
  const enable = [...CLOUD, 'webhook', 'enable'];
  return [problemAt([...CLOUD, 'webhook', 'secret'], sources, 'must be set when qlikCloud.webhook.enable is true', enable)];
}

/** Bearer tokens must not cross the network in clear text; a simulator on this machine may use http. */
function tenantUrlProblems(tenantUrl: unknown, sources: ValueSources): ConfigProblem[] {
  if (typeof tenantUrl !== 'string') return [];
  const path = [...CLOUD, 'tenantUrl'];
  let url: URL;
  try {
    url = new URL(tenantUrl);
  } catch {
    return [problemAt(path, sources, `must be a valid URL, got ${describeValue(tenantUrl)}`)];
  }
  if (url.protocol === 'https:' || isLoopbackHost(url.hostname)) return [];
  return [problemAt(path, sources, `must be an https:// URL (http:// only on a loopback address), got ${describeValue(tenantUrl)}`)];
}

/** Keys are task IDs, compared case-insensitively as QRS does, so each may appear once. */
function taskMapProblems(taskMap: unknown, sources: ValueSources): ConfigProblem[] {
  if (!isMapping(taskMap)) return [];
  const problems: ConfigProblem[] = [];
  const firstByTaskId = new Map<string, string>();
  for (const key of Object.keys(taskMap)) {
    const path = [...CLOUD, 'taskMap', key];
    if (!GUID.test(key)) {
      problems.push(problemAt(path, sources, 'must be keyed by a task ID (GUID)'));
      continue;
    }
    const first = firstByTaskId.get(key.toLowerCase());
    if (first === undefined) firstByTaskId.set(key.toLowerCase(), key);
    else problems.push(problemAt(path, sources, `repeats the task ID ${first} (task IDs are compared case-insensitively)`));
  }
  return problems;
}
