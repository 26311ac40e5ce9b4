import { ExecutionStatus, runStateAt, type Run } from './executions.js';

function stamp(epochMs: number): string {
  // Qlik's script log time stamps: 20240514T083000.123+0000.
  return new Date(epochMs).toISOString().replace(/[-:]/g, '').replace('Z', '+0000');
}

/**
 * The script log of a run that ended (Retry counts as failed), CRLF-separated as Qlik writes it:
 * a header, numbered LOAD lines, and closing lines that say how it ended (the lines a failure
 * report shows).
 */
export function scriptLogText(run: Run, now: number): string {
  const { execution } = run;
  const { stoppedAt, status } = runStateAt(run, now);
  const end = stoppedAt ?? now;
  const total = Math.max(3, execution.plan.scriptLogLines);
  const failed = status !== ExecutionStatus.FinishedSuccess;
  const closing = failed
    ? [
        `${stamp(end)}      Error: Field 'Amount' not found in simulated reload of ${execution.task.name}`,
        `${stamp(end)}      Execution Failed`,
        `${stamp(end)}      Execution finished.`,
      ]
    : [`${stamp(end)}      Lines fetched: 1000`, `${stamp(end)}      Execution finished.`];
  const lines = [`${stamp(run.startedAt)} Execution started.`];
  for (let i = lines.length; i < total - closing.length; i += 1) {
    lines.push(`${stamp(run.startedAt)} 0${String(i).padStart(6, '0')}  LOAD * FROM [lib://Data/part${i}.qvd] (qvd);`);
  }
  lines.push(...closing.slice(Math.max(0, closing.length - (total - 1))));
  return `${lines.join('\r\n')}\r\n`;
}
