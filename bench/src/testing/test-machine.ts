import type { MachineInfo } from '../report/machine-info';

/**
 * The machine of the tests' synthetic bench reports.
 *
 * @param date the run's ISO date.
 * @default date '2026-11-29T21:00:00.000Z'
 * @returns a fixed {@link MachineInfo}.
 * @example const report = { machine: testMachine(), ... };
 */
export function testMachine(date = '2026-11-29T21:00:00.000Z'): MachineInfo {
  return {
    cpuModel: 'test',
    cores: 2,
    loadAverage: 0,
    platform: 'test',
    node: 'v20',
    tfjs: '4.22.0',
    date,
  };
}
