/**
 * template (Ansible's): render a Handlebars file from the controller with the host's variables
 * (plus `vars`) and install the result like copy. Strict: a missing variable fails the task,
 * naming the variable and the template, instead of rendering an empty string into a config.
 */
import { readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import Handlebars from 'handlebars';
import type { FileAttributes } from './attributes.ts';
import { ensureContent } from './content.ts';
import {
  type ArgsOf,
  call,
  type Module,
  type ModuleCall,
  type ModuleContext,
  type ModuleResult,
} from './module.ts';
import { controllerPath, REPO_ROOT } from './paths.ts';
import { errorMessage, failed } from './results.ts';
import { revealDeep } from './reveal.ts';

export const TEMPLATES_DIR = join(REPO_ROOT, 'templates');

export interface TemplateArgs extends FileAttributes {
  /** A Handlebars file: absolute, or relative to <repo>/templates. */
  src: string;
  dest: string;
  /** Extra variables, over the host's. */
  vars?: Record<string, unknown>;
  become?: boolean;
}

const handlebars = Handlebars.create();
interface HelperOptions {
  loc?: { start?: { line?: number } };
}

/** Strict mode does not reach helper arguments: an undefined one must still fail, not render ''. */
function defined(helper: string, value: unknown, options: HelperOptions): unknown {
  if (value === undefined) {
    throw new Error(`the argument of ${helper} at line ${options.loc?.start?.line ?? '?'} is not defined`);
  }
  return value;
}

handlebars.registerHelper('json', (value: unknown, options: HelperOptions) =>
  JSON.stringify(defined('json', value, options)),
);
handlebars.registerHelper('eq', (a: unknown, b: unknown) => a === b);
handlebars.registerHelper('join', (list: unknown, ...rest: unknown[]) => {
  // Handlebars passes its options last, so a call without a separator has only (list, options).
  const options = rest.pop() as HelperOptions;
  const items = defined('join', list, options);
  if (!Array.isArray(items)) throw new Error(`join at line ${options.loc?.start?.line ?? '?'} needs a list`);
  return items.join(typeof rest[0] === 'string' ? rest[0] : ',');
});

/** Handlebars names only the last path segment; read the whole expression at the error position. */
function missingVariable(source: string, err: unknown): { name: string; line: number } | undefined {
  if (!(err instanceof Error)) return undefined;
  const match = /^"(.+)" not defined in .* - (\d+):(\d+)$/.exec(err.message);
  if (!match) return undefined;
  const line = Number(match[2]);
  const text = source.split('\n')[line - 1] ?? '';
  const path = /^[\w@$.\-/[\]]+/.exec(text.slice(Number(match[3])))?.[0];
  return { name: path?.endsWith(match[1] ?? '') ? path : (match[1] ?? '?'), line };
}

/**
 * Compiled templates by source text: a template rendered for many hosts or tasks is compiled once
 * per run (compiling costs milliseconds each in a fresh process; rendering, microseconds). Keyed by
 * the text, so an edited file is compiled anew.
 */
const compiled = new Map<string, HandlebarsTemplateDelegate>();

function compile(source: string): HandlebarsTemplateDelegate {
  let template = compiled.get(source);
  if (!template) {
    template = handlebars.compile(source, { strict: true, noEscape: true });
    compiled.set(source, template);
  }
  return template;
}

/** Renders a template file with vars; the text and whether it holds secret values, or why not. */
export async function renderTemplate(
  src: string,
  vars: Record<string, unknown>,
): Promise<{ text: string; hasSecrets: boolean } | { error: string }> {
  const path = controllerPath(src, TEMPLATES_DIR);
  const shown = relative(REPO_ROOT, path).startsWith('..') ? path : relative(REPO_ROOT, path);
  let source: string;
  try {
    source = await readFile(path, 'utf8');
  } catch (err) {
    return { error: `cannot read template ${shown} on the controller (${errorMessage(err)}); check src` };
  }
  const revealed = new Set<string>();
  const view = revealDeep(vars, revealed);
  try {
    const text = compile(source)(view);
    return { text, hasSecrets: [...revealed].some((s) => text.includes(s)) };
  } catch (err) {
    const missing = missingVariable(source, err);
    if (missing) {
      return {
        error: `template ${shown} line ${missing.line}: variable "${missing.name}" is not defined; define it in the environment (group_vars/host_vars) or pass it in vars`,
      };
    }
    return { error: `template ${shown} cannot be rendered: ${errorMessage(err)}` };
  }
}

async function runTemplate(args: TemplateArgs, ctx: ModuleContext): Promise<ModuleResult> {
  const rendered = await renderTemplate(args.src, { ...ctx.host.vars, ...args.vars });
  if ('error' in rendered)
    return failed(`${rendered.error} (rendering ${args.dest} for host ${ctx.host.name})`);
  return await ensureContent(ctx, {
    dest: args.dest,
    content: Buffer.from(rendered.text),
    mode: args.mode,
    owner: args.owner,
    group: args.group,
    become: args.become,
    masked: rendered.hasSecrets ? '(content with secrets changed)' : undefined,
  });
}

export const templateModule: Module<TemplateArgs> = { name: 'template', checkMode: 'full', run: runTemplate };

export function template(args: ArgsOf<TemplateArgs>): ModuleCall<TemplateArgs> {
  return call(templateModule, args);
}
