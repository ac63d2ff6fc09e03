/**
 * A worker thread of the multi-core property-testing workload. It loads and warms up, reports
 * `ready`, waits for `go` (sent to every worker at once), runs, and reports its milliseconds.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadScenarioFile } from '../model/source.js';
import { prepareMutationWorkload } from './workload.js';

const { runs, seed } = workerData as { readonly runs: number; readonly seed: number };
const loaded = await loadScenarioFile('reference/four-accounts-two-regions');
if (!loaded.success) throw new Error('the reference scenario does not load');
const workload = prepareMutationWorkload(loaded.data, { runs, seed });
await workload.warmUp();
parentPort?.once('message', async (message: unknown) => {
  if (message !== 'go') return;
  parentPort?.postMessage({ type: 'done', ms: await workload.run() });
});
parentPort?.postMessage({ type: 'ready' });
