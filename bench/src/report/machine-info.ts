import { cpus, loadavg, platform, release } from 'node:os';
import * as tf from '@tensorflow/tfjs';

/** The machine a bench ran on: written to --json so figures can be compared across runs. */
export type MachineInfo = {
  readonly cpuModel: string;
  readonly cores: number;
  /** 1-minute load average when the run started (the machines are shared: read ratios, not times). */
  readonly loadAverage: number;
  readonly platform: string;
  readonly node: string;
  readonly tfjs: string;
  /** ISO date and time. */
  readonly date: string;
};

/**
 * Describes the current machine and software.
 *
 * @returns cpu model, cores, load, platform, Node and tfjs versions, date.
 * @example console.log(machineInfo().cpuModel);
 */
export function machineInfo(): MachineInfo {
  const processors = cpus();
  return {
    cpuModel: processors[0]?.model.trim() ?? 'unknown',
    cores: processors.length,
    loadAverage: Math.round((loadavg()[0] ?? 0) * 100) / 100,
    platform: `${platform()} ${release()}`,
    node: process.version,
    tfjs: tf.version.tfjs,
    date: new Date().toISOString(),
  };
}
