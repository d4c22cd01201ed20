/**
 * The whisk.system catalog installed by the postdeploy playbook: shared packages and their actions.
 * Action code lives beside this file as plain JavaScript run by the nodejs runtime.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadRuntimeManifest, requireKind } from '../runtimes/manifest.ts';

export interface CatalogAction {
  name: string;
  kind: string;
  code: string;
  description: string;
}

export interface CatalogPackage {
  name: string;
  description: string;
  actions: CatalogAction[];
}

const here = dirname(fileURLToPath(import.meta.url));

const utils: Record<string, string> = {
  echo: 'Returns the input unchanged',
  cat: 'Concatenates input lines into a payload string',
  sort: 'Sorts an array of lines',
  head: 'Extracts the head of an array of lines',
  date: 'Current date and time',
  split: 'Splits a payload string into an array of lines',
  smash: 'Nests all parameters under the field named fieldName',
  namespace: 'The namespace the action runs in',
  hosturl: 'The API host URL, and the URL of the action named by ow_name',
};

export function catalogPackages(): CatalogPackage[] {
  // The concrete default kind, as the controller stores it, so a redeploy finds nothing to change.
  const nodejs = requireKind(loadRuntimeManifest(), 'nodejs:default').kind;
  return [
    {
      name: 'utils',
      description: 'Building blocks that format and assemble data',
      actions: Object.entries(utils).map(([name, description]) => ({
        name,
        kind: nodejs,
        description,
        code: readFileSync(join(here, 'utils', `${name}.js`), 'utf8'),
      })),
    },
  ];
}
