/**
 * Turns a V8 CPU profile (the `Profiler.stop` result) into text: self time by area, the
 * functions with the most self time, and the call tree from the top down (a text flame graph).
 */
import type { Profiler, Runtime } from 'node:inspector';

/** Frames below this share of all samples are left out of the tree. */
const TREE_MIN_SHARE = 0.02;
const TOP_FUNCTIONS = 20;

interface Frame {
  node: Profiler.ProfileNode;
  /** Time in this frame itself, µs. */
  self: number;
  /** Time in this frame and everything it called, µs. */
  total: number;
  children: Frame[];
}

/**
 * Where a frame's code lives: the @cachex package for our dist files, the npm package for
 * dependencies, `node` for Node's own JavaScript, and V8's pseudo-frames by their name.
 */
export function areaOf(frame: Runtime.CallFrame): string {
  const url = frame.url;
  if (url === '') {
    // (idle), (program), (garbage collector), (root), or a V8 builtin with no script.
    return frame.functionName.startsWith('(') ? frame.functionName : 'v8 builtins';
  }
  if (url.startsWith('node:')) return 'node';
  const ours = /\/packages\/([\w-]+)\/dist\//.exec(url);
  if (ours) return `@cachex/${ours[1]}`;
  if (url.includes('/bench/dist/')) return 'bench harness';
  const dep = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[\w.-]+\/)?[\w.-]+)\//.exec(
    url,
  );
  return dep ? dep[1]! : url;
}

function label(frame: Runtime.CallFrame): string {
  const file = frame.url.split('/').pop() ?? '';
  const where = file === '' ? '' : ` ${file}:${frame.lineNumber + 1}`;
  return `${frame.functionName || '(anonymous)'}${where} [${areaOf(frame)}]`;
}

function buildTree(profile: Profiler.Profile): { root: Frame; totalUs: number } {
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    // A sample's time is the gap to the next sample (V8's own attribution).
    const id = samples[i]!;
    const us = deltas[i + 1] ?? 0;
    selfUs.set(id, (selfUs.get(id) ?? 0) + us);
  }
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const build = (node: Profiler.ProfileNode): Frame => {
    const children = (node.children ?? []).map((id) => build(byId.get(id)!));
    const self = selfUs.get(node.id) ?? 0;
    const total = children.reduce((sum, child) => sum + child.total, self);
    return { node, self, total, children };
  };
  const root = build(profile.nodes[0]!);
  return { root, totalUs: root.total };
}

function percent(part: number, whole: number): string {
  return `${((100 * part) / whole).toFixed(1).padStart(5)}%`;
}

/** The three text views of `profile`, ready to print. */
export function summarizeProfile(profile: Profiler.Profile): string {
  const { root, totalUs } = buildTree(profile);
  const areas = new Map<string, number>();
  const functions = new Map<string, number>();
  const walk = (frame: Frame): void => {
    const area = areaOf(frame.node.callFrame);
    areas.set(area, (areas.get(area) ?? 0) + frame.self);
    const name = label(frame.node.callFrame);
    functions.set(name, (functions.get(name) ?? 0) + frame.self);
    for (const child of frame.children) walk(child);
  };
  walk(root);
  const idle = areas.get('(idle)') ?? 0;
  const busy = totalUs - idle;
  const lines: string[] = [
    `sampled ${(totalUs / 1e3).toFixed(0)} ms; busy (not idle) ${percent(busy, totalUs)}`,
    '',
    'Self time by area (share of all samples, then of the busy ones):',
  ];
  for (const [area, us] of [...areas].sort((a, b) => b[1] - a[1])) {
    const ofBusy = area === '(idle)' ? '' : percent(us, busy);
    lines.push(`  ${percent(us, totalUs)} ${ofBusy.padStart(6)}  ${area}`);
  }
  lines.push('', `Top ${TOP_FUNCTIONS} functions by self time (share of busy samples):`);
  const top = [...functions]
    .filter(([name]) => !name.startsWith('(idle)'))
    .sort((a, b) => b[1] - a[1])
    .slice(0, TOP_FUNCTIONS);
  for (const [name, us] of top) lines.push(`  ${percent(us, busy)}  ${name}`);
  lines.push(
    '',
    `Call tree, top down (total share of busy samples; frames under ${TREE_MIN_SHARE * 100}% left out):`,
  );
  const tree = (frame: Frame, depth: number): void => {
    for (const child of [...frame.children].sort((a, b) => b.total - a.total)) {
      if (child.node.callFrame.functionName === '(idle)') continue;
      if (child.total < busy * TREE_MIN_SHARE) continue;
      lines.push(
        `  ${percent(child.total, busy)} ${'  '.repeat(depth)}${label(child.node.callFrame)}`,
      );
      tree(child, depth + 1);
    }
  };
  tree(root, 0);
  return lines.join('\n');
}
