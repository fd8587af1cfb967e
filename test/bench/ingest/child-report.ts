import { readFileSync } from 'node:fs';

/**
 * What every measured child process reports, as one JSON line on stdout: its own work and its own
 * peak resident memory (the kernel's high-water mark for this process, all threads included).
 */
export interface ChildResult {
  /** Data records processed. */
  records: number;
  /** Wall time of the measured work, from opening the file to the finished aggregate. */
  ms: number;
  /** Peak RSS of the whole process, MiB (getrusage ru_maxrss). */
  peakRssMiB: number;
  /** /proc/self/status VmHWM, MiB (Linux; the same figure by another route). */
  vmHwmMiB: number | null;
  /** Cells of the (day, account, service, region, category, usage type, currency) cube. */
  cubeCells?: number;
  /** Sum of BilledCost over every row, exact, units of 1e-12. */
  billedTotal?: string;
  /** Free-form details of the run. */
  info?: Record<string, unknown>;
}

export function vmHwmMiB(): number | null {
  try {
    const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

export function report(result: Omit<ChildResult, 'peakRssMiB' | 'vmHwmMiB'>): void {
  const full: ChildResult = { ...result, peakRssMiB: process.resourceUsage().maxRSS / 1024, vmHwmMiB: vmHwmMiB() };
  process.stdout.write(`${JSON.stringify(full)}\n`);
}
