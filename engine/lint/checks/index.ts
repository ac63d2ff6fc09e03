/** The lint checks: every check in rule order (one module per family of rules), and the context they read. */
export { overbroadActionRole } from './action-roles.js';
export { selfApproval } from './approval.js';
export { artifactBuckets } from './buckets.js';
export { codeBuildOutputKey } from './codebuild.js';
export { aliasOnCrossAccountStore, keyRotation, kmsStarToOtherAccount, managedKeyOnStore, wildcardPrincipal } from './keys.js';
export { assumersOf, calls, eventsOf, identityPolicies, otherAccountsInRegion, PIPELINE, plural, quoteList, roleIndex, sameArn, storesOf } from './kit.js';
export type { Check, CheckContext, Draft } from './kit.js';
export { crossAccountPassRole } from './pass-role.js';
export { perRegionActionsForFleet, stackSetForFewRegions, v1WithV2Features } from './pipeline-shape.js';
export { approvalBeforeProduction, pipelineInProduction } from './production.js';
export { checkContext, CHECKS } from './registry.js';
export { cfnExecutionRoleTrust, trustAdmitsRoot } from './trust.js';
