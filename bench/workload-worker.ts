/** A worker thread of the two-core property-testing workload: reports its own runs per second. */
import { parentPort, workerData } from 'node:worker_threads';
import { loadScenarioFile } from '../model/source.js';
import { mutationWorkload } from './workload.js';

const { runs, seed } = workerData as { readonly runs: number; readonly seed: number };
const loaded = await loadScenarioFile('reference/four-accounts-two-regions');
if (!loaded.success) throw new Error('the reference scenario does not load');
parentPort?.postMessage(await mutationWorkload(loaded.data, { runs, seed }));
