/**
 * Writes an imported scenario as readable YAML (the `yaml` package's Document API), with a
 * comment above each item naming the template and logical id (or the file) it came from. Pure.
 */
import { Document, isMap, isScalar, isSeq, visit, type Node, type Pair } from 'yaml';
import type { PathSegment } from '../../model/path.js';
import type { ScenarioInput } from '../../model/schema.js';

/** A comment to write above a node. */
export interface NodeComment {
  readonly path: readonly PathSegment[];
  readonly text: string;
}

/** The scenario as YAML text with its comments. Pure. */
export function scenarioToYaml(scenario: ScenarioInput, comments: readonly NodeComment[], header: readonly string[] = []): string {
  const doc = new Document(scenario, { aliasDuplicateObjects: false });
  if (header.length > 0) doc.commentBefore = header.map((h) => ` ${h}`).join('\n');
  for (const comment of comments) {
    const target = nodeForComment(doc, comment.path);
    if (!target) continue;
    const text = ` ${comment.text.replace(/\n/g, ' ')}`;
    target.commentBefore = target.commentBefore ? `${target.commentBefore}\n${text}` : text;
  }
  // Dates such as a policy `Version` are quoted, as YAML 1.1 readers would take them for timestamps.
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(node.value)) node.type = 'QUOTE_DOUBLE';
    },
  });
  return doc.toString({ lineWidth: 0, minContentWidth: 0 });
}

/**
 * The node a comment goes on: a sequence item itself, or the key of a mapping entry (so the
 * comment sits above `name:` rather than inside its value).
 */
function nodeForComment(doc: Document, path: readonly PathSegment[]): Node | undefined {
  if (path.length === 0) return doc.contents ?? undefined;
  const parent = path.length === 1 ? doc.contents : (doc.getIn(path.slice(0, -1), true) as Node | undefined);
  const last = path[path.length - 1]!;
  if (isSeq(parent) && typeof last === 'number') {
    const item = parent.items[last];
    return item && typeof item === 'object' ? (item as Node) : undefined;
  }
  if (isMap(parent)) {
    const pair = parent.items.find((p: Pair) => (isScalar(p.key) ? p.key.value : p.key) === last);
    return pair && isScalar(pair.key) ? pair.key : undefined;
  }
  return undefined;
}
