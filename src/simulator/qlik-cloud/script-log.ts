import { isFinal, type SimReload } from './reloads.js';

function stamp(epochMs: number): string {
  // The engine's script log time stamps: 20240514T083000.123+0000.
  return new Date(epochMs).toISOString().replace(/[-:]/g, '').replace('Z', '+0000');
}

function failureLine(reload: SimReload): string {
  return reload.endStatus === 'EXCEEDED_LIMIT'
    ? 'Error: The reload exceeded the time limit of the tenant'
    : `Error: Field 'Amount' not found in simulated reload of ${reload.appName}`;
}

/**
 * The full script log, CRLF-separated as Qlik writes it: a header, numbered LOAD lines, and
 * closing lines that say how it ended. A reload that still runs has no closing lines yet.
 */
export function scriptLogText(reload: SimReload): string {
  const begin = stamp(reload.startTime ?? reload.creationTime);
  const ended = isFinal(reload.status);
  const end = stamp(reload.endTime ?? reload.creationTime);
  const closing = !ended
    ? []
    : reload.status === 'SUCCEEDED'
      ? [`${end}      Lines fetched: 1000`, `${end}      App saved`, `${end}      Execution finished.`]
      : [`${end}      ${reload.status === 'CANCELED' ? 'Execution canceled by request' : failureLine(reload)}`, `${end}      Execution Failed`, `${end}      Execution finished.`];
  const total = Math.max(1 + closing.length, reload.scriptLogLines);
  const lines = [`${begin} Execution started.`];
  for (let i = 1; lines.length < total - closing.length; i += 1) {
    lines.push(`${begin} 0${String(i).padStart(4, '0')}  LOAD * FROM [lib://DataFiles/part${i}.qvd] (qvd);`);
  }
  return `${[...lines, ...closing].join('\r\n')}\r\n`;
}

/** The reload's own `log` field: a short summary, not the script log [DOC]; absent while it runs. */
export function reloadLogSummary(reload: SimReload): string | undefined {
  if (!isFinal(reload.status)) return undefined;
  const start = `Reload of ${reload.appName} started`;
  switch (reload.status) {
    case 'SUCCEEDED':
      return `${start}\nApp saved\nReload finished successfully\n`;
    case 'CANCELED':
      return `${start}\nReload was canceled\n`;
    default:
      return `${start}\n${failureLine(reload)}\nReload failed\n`;
  }
}
