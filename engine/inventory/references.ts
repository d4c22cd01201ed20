/**
 * `{{ path.to.var }}` references between variables, resolved after all layers merged, with
 * Handlebars in strict mode (a missing variable is an error, never an empty string). A value that
 * is exactly one reference keeps the referenced value's type, so `port: "{{ base_port }}"` stays a
 * number; references resolve recursively, and a loop is reported instead of recursing forever.
 */
import Handlebars from 'handlebars';
import { deepClone, getPath, hasPath, isPlainObject, setPath, type VarTree } from './vars.ts';

const hb = Handlebars.create();

class RefCollector extends Handlebars.Visitor {
  readonly refs: string[][] = [];

  override PathExpression(path: hbs.AST.PathExpression): void {
    if (!path.data && path.depth === 0 && path.parts.length > 0) this.refs.push(path.parts);
  }
}

class ReferenceCycle extends Error {
  constructor(readonly chain: string[]) {
    super(chain.join(' -> '));
  }
}

/** The single path of a template that is nothing but `{{ path }}`, else undefined. */
function soleReference(ast: hbs.AST.Program): string[] | undefined {
  const [only, ...more] = ast.body;
  if (!only || more.length > 0 || only.type !== 'MustacheStatement') return undefined;
  const m = only as hbs.AST.MustacheStatement;
  if (m.params.length > 0 || m.hash || m.path.type !== 'PathExpression') return undefined;
  const path = m.path as hbs.AST.PathExpression;
  return path.data || path.depth > 0 || hb.helpers[path.original] ? undefined : path.parts;
}

export interface ResolveOptions {
  /** Names the host in messages: "host localhost". */
  where: string;
  /** The file that set a key, for messages. */
  sourceOf(path: string): string;
}

/**
 * Returns a copy of `vars` with every reference resolved. `extra` adds read-only names visible to
 * templates (inventory_hostname, groups, flat knob aliases) without adding them to the result;
 * a variable of the same name wins over them.
 */
export function resolveReferences(
  vars: VarTree,
  extra: VarTree,
  opts: ResolveOptions,
): { vars: VarTree; issues: string[] } {
  const work = deepClone(vars);
  const added = Object.keys(extra).filter((k) => !Object.hasOwn(work, k));
  for (const k of added) work[k] = deepClone(extra[k]);
  const issues: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];

  const problem = (key: string, template: string, msg: string) =>
    issues.push(`${opts.sourceOf(key)}: ${key}: "${template}" ${msg} (${opts.where})`);

  const resolveTree = (path: string[]): void => {
    const v = getPath(work, path);
    if (typeof v === 'string') resolveString(path, v);
    else if (Array.isArray(v)) for (let i = 0; i < v.length; i++) resolveTree([...path, String(i)]);
    else if (isPlainObject(v)) for (const k of Object.keys(v)) resolveTree([...path, k]);
  };

  const resolveString = (path: string[], template: string): void => {
    const key = path.join('.');
    if (state.get(key) === 'done') return;
    if (state.get(key) === 'visiting') throw new ReferenceCycle([...stack.slice(stack.indexOf(key)), key]);
    if (!template.includes('{{')) {
      state.set(key, 'done');
      return;
    }
    state.set(key, 'visiting');
    stack.push(key);
    try {
      let ast: hbs.AST.Program;
      try {
        ast = hb.parse(template);
      } catch (err) {
        problem(key, template, `is not a valid template: ${(err as Error).message.split('\n')[0]}`);
        return;
      }
      const collector = new RefCollector();
      collector.accept(ast);
      for (const ref of collector.refs) if (hasPath(work, ref)) resolveTree(ref);
      const missing = collector.refs.find(
        (ref) => !hasPath(work, ref) && !(ref.length === 1 && hb.helpers[ref[0]!]),
      );
      const sole = soleReference(ast);
      if (sole && hasPath(work, sole)) {
        setPath(work, path, deepClone(getPath(work, sole)));
        return;
      }
      try {
        setPath(work, path, hb.compile(template, { strict: true, noEscape: true })(work));
      } catch (err) {
        const what = missing
          ? `references ${missing.join('.')}, which is not defined; define it or fix the name`
          : `cannot be rendered: ${(err as Error).message.split('\n')[0]}`;
        problem(key, template, what);
      }
    } finally {
      stack.pop();
      state.set(key, 'done');
    }
  };

  for (const key of Object.keys(vars)) {
    try {
      resolveTree([key]);
    } catch (err) {
      if (!(err instanceof ReferenceCycle)) throw err;
      const first = err.chain[0]!;
      issues.push(
        `${opts.sourceOf(first)}: ${first}: references form a loop: ${err.chain.join(' -> ')} (${opts.where}); give one of them a plain value`,
      );
    }
  }
  for (const k of added) delete work[k];
  return { vars: work, issues };
}
