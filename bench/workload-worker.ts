/**
 * A worker thread of the multi-core property-testing workload, driven by messages from the
 * bench: `prepare` (a fresh workload for a seed, warmed up; answered by `ready`), then `go`
 * (sent to every worker at once; answered by `done` with the milliseconds of the timed runs).
 */
import { parentPort } from 'node:worker_threads';
import { loadScenarioFile } from '../model/source.js';
import { prepareMutationWorkload, type MutationWorkload } from './workload.js';

type Message = { readonly type: 'prepare'; readonly runs: number; readonly seed: number } | { readonly type: 'go' };

const loaded = await loadScenarioFile('reference/four-accounts-two-regions');
if (!loaded.success) throw new Error('the reference scenario does not load');
const scenario = loaded.data;
let workload: MutationWorkload | undefined;
parentPort?.on('message', (message: Message) => {
  void (async () => {
    if (message.type === 'prepare') {
      workload = prepareMutationWorkload(scenario, { runs: message.runs, seed: message.seed });
      await workload.warmUp();
      parentPort?.postMessage({ type: 'ready' });
    } else if (workload) {
      parentPort?.postMessage({ type: 'done', ms: await workload.run() });
    }
  })();
});
parentPort?.postMessage({ type: 'started' });
