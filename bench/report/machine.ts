import { readFileSync } from 'node:fs';
import os from 'node:os';

export interface MachineInfo {
  cpuModel: string;
  /** What `nproc` says: CPUs this process may use. */
  cpus: number;
  totalMemoryGiB: number;
  node: string;
  os: string;
}

/** The first "model name" in /proc/cpuinfo (Linux), else what node reports. */
function cpuModel(): string {
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (match?.[1]) return match[1].trim();
  } catch {
    // Not Linux: fall through.
  }
  return os.cpus()[0]?.model ?? 'unknown';
}

export function describeMachine(): MachineInfo {
  return {
    cpuModel: cpuModel(),
    cpus: os.availableParallelism(),
    totalMemoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
  };
}

export function machineLine(machine: MachineInfo): string {
  return `${machine.cpus} CPUs (nproc), ${machine.cpuModel}, ${machine.totalMemoryGiB} GiB RAM, Node ${machine.node}, ${machine.os}`;
}
