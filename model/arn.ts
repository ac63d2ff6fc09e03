/** ARN parsing and building. Pure. */

/** The parts of an ARN. */
export interface Arn {
  readonly partition: string;
  readonly service: string;
  readonly region: string;
  readonly account: string;
  readonly resource: string;
}

/** ARNs already parsed (frozen), by text: a run parses the same few ARNs many times (an optimisation only). */
const parsed = new Map<string, Arn>();
/** Past this many ARNs the cache starts afresh. */
const MAX_PARSED = 50_000;

/** Parses `arn:partition:service:region:account:resource`; undefined when the text is not an ARN. */
export function parseArn(text: string): Arn | undefined {
  if (!text.startsWith('arn:')) return undefined;
  const known = parsed.get(text);
  if (known !== undefined) return known;
  const arn = parseArnText(text);
  if (arn) {
    if (parsed.size >= MAX_PARSED) parsed.clear();
    parsed.set(text, Object.freeze(arn));
  }
  return arn;
}

function parseArnText(text: string): Arn | undefined {
  const parts = text.split(':');
  if (parts.length < 6) return undefined;
  const [, partition, service, region, account, ...rest] = parts;
  if (!partition || !service) return undefined;
  return { partition, service, region: region ?? '', account: account ?? '', resource: rest.join(':') };
}

/** The account id in an ARN, or undefined. */
export function arnAccount(text: string): string | undefined {
  return parseArn(text)?.account || undefined;
}

/** The role name (last path segment) of a role ARN. */
export function roleName(roleArn: string): string {
  const resource = parseArn(roleArn)?.resource ?? roleArn;
  return resource.split('/').pop() ?? resource;
}

/** The STS assumed-role session ARN for a role and session name (the role path is dropped, as STS does). */
export function sessionArn(roleArn: string, sessionName: string): string {
  const arn = parseArn(roleArn);
  if (!arn) return roleArn;
  return `arn:${arn.partition}:sts::${arn.account}:assumed-role/${roleName(roleArn)}/${sessionName}`;
}

/** The ARN of an S3 bucket. */
export function bucketArn(bucket: string): string {
  return `arn:aws:s3:::${bucket}`;
}

/** The ARN of an S3 object. */
export function objectArn(bucket: string, key: string): string {
  return `arn:aws:s3:::${bucket}/${key}`;
}
