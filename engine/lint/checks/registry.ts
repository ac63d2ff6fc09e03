/** Every check in rule order, and the context they read. Pure. */
import type { Scenario } from '../../../model/schema.js';
import type { World } from '../../../model/world.js';
import type { SimulationResult } from '../../types.js';
import { pipelineHome, productionAccounts, type LintAction } from '../topology.js';
import { overbroadActionRole } from './action-roles.js';
import { selfApproval } from './approval.js';
import { artifactBuckets } from './buckets.js';
import { codeBuildOutputKey } from './codebuild.js';
import { crossAccountPassRole } from './pass-role.js';
import { aliasOnCrossAccountStore, keyRotation, kmsStarToOtherAccount, managedKeyOnStore, wildcardPrincipal } from './keys.js';
import type { Check, CheckContext } from './kit.js';
import { perRegionActionsForFleet, stackSetForFewRegions, v1WithV2Features } from './pipeline-shape.js';
import { approvalBeforeProduction, pipelineInProduction } from './production.js';
import { cfnExecutionRoleTrust, trustAdmitsRoot } from './trust.js';

/** Every check, in rule order. */
export const CHECKS: readonly Check[] = [
  approvalBeforeProduction,
  pipelineInProduction,
  managedKeyOnStore,
  artifactBuckets,
  trustAdmitsRoot,
  wildcardPrincipal,
  kmsStarToOtherAccount,
  keyRotation,
  aliasOnCrossAccountStore,
  v1WithV2Features,
  selfApproval,
  cfnExecutionRoleTrust,
  overbroadActionRole,
  stackSetForFewRegions,
  perRegionActionsForFleet,
  codeBuildOutputKey,
  crossAccountPassRole,
];

/** Builds the context the checks read. Pure. */
export function checkContext(scenario: Scenario, world: World, actions: readonly LintAction[], result?: SimulationResult): CheckContext {
  return { scenario, world, actions, home: pipelineHome(scenario), production: productionAccounts(scenario), ...(result ? { result } : {}) };
}
