/** Loaded with `node --import` by the benchmark: reports the process's peak memory on exit. */
import { writeSync } from 'node:fs';

process.on('exit', () => {
  writeSync(2, `\nPIPESIM_MAXRSS_KB=${process.resourceUsage().maxRSS}\n`);
});
