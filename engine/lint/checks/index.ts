/** The lint checks: every check in rule order (one module per family of rules), and the context they read. */
export { CHECKS, checkContext } from './registry.js';
export type { Check, CheckContext, Draft } from './kit.js';
