/**
 * The platform's layout derived from an inventory: which service runs on which host, on which
 * port, and how the services find each other. Groups as upstream: db, controllers, invokers,
 * edge (apigateway accepted as an alias).
 */
import type { Host, Inventory } from '../../engine/inventory/types.ts';
import { reveal } from '../../engine/secret.ts';

export type Role = 'couchdb' | 'controller' | 'invoker' | 'gateway';

export interface ServiceSpec {
  /** Unique per environment: couchdb, controller0, invoker1, gateway. */
  name: string;
  role: Role;
  index: number;
  host: Host;
  /** The address it binds and advertises. */
  address: string;
  port: number;
  url: string;
  /** Entry point relative to the release folder. */
  entry: string;
}

export interface Topology {
  couchdb: ServiceSpec[];
  controllers: ServiceSpec[];
  invokers: ServiceSpec[];
  gateways: ServiceSpec[];
  all: ServiceSpec[];
}

function hostsOf(inventory: Inventory, ...groups: string[]): Host[] {
  const names = new Set<string>();
  for (const group of groups) for (const name of inventory.groups.get(group) ?? []) names.add(name);
  return [...names].sort().map((n) => inventory.hosts.get(n)!);
}

function address(host: Host): string {
  return String(host.vars.ansible_host);
}

function spec(role: Role, name: string, index: number, host: Host, port: number, entry: string): ServiceSpec {
  const addr = address(host);
  return { name, role, index, host, address: addr, port, url: `http://${addr}:${port}`, entry };
}

export function topology(inventory: Inventory): Topology {
  const dbHosts = hostsOf(inventory, 'db');
  const couchdb = dbHosts
    .slice(0, 1)
    .filter((h) => h.vars.db.provider === 'embedded')
    .map((h) => spec('couchdb', 'couchdb', 0, h, h.vars.db.port, 'services/store/main.ts'));
  const controllers = hostsOf(inventory, 'controllers').map((h, i) =>
    spec('controller', `controller${i}`, i, h, h.vars.controller.basePort + i, 'services/controller/main.ts'),
  );
  const invokers = hostsOf(inventory, 'invokers').map((h, i) =>
    spec('invoker', `invoker${i}`, i, h, h.vars.invoker.port + i, 'services/invoker/main.ts'),
  );
  const gateways = hostsOf(inventory, 'edge', 'apigateway').map((h, i) =>
    spec(
      'gateway',
      i === 0 ? 'gateway' : `gateway${i}`,
      i,
      h,
      h.vars.gateway.port,
      'services/gateway/main.ts',
    ),
  );
  return {
    couchdb,
    controllers,
    invokers,
    gateways,
    all: [...couchdb, ...controllers, ...invokers, ...gateways],
  };
}

/** The services that run on one host. */
export function servicesOn(inventory: Inventory, host: Host, role?: Role): ServiceSpec[] {
  return topology(inventory).all.filter((s) => s.host.name === host.name && (!role || s.role === role));
}

/** CouchDB base URL without credentials, as the services' hosts reach it. */
export function dbUrl(inventory: Inventory): string {
  const any = inventory.hosts.values().next().value as Host;
  const db = any.vars.db;
  const dbHost = hostsOf(inventory, 'db')[0];
  const host = process.env.OW_DB_HOST || (db.provider === 'external' || !dbHost ? db.host : address(dbHost));
  return `${db.protocol}://${host}:${db.port}`;
}

/** The same URL with the admin credentials, for services' config files and nano. */
export function dbUrlWithCredentials(inventory: Inventory): string {
  const any = inventory.hosts.values().next().value as Host;
  const u = new URL(dbUrl(inventory));
  u.username = encodeURIComponent(any.vars.db.username);
  u.password = encodeURIComponent(String(reveal(any.vars.db.password)));
  return u.toString().replace(/\/$/, '');
}

/** The URL users and the CLI use: the first gateway (edge). */
export function apiHost(inventory: Inventory): string {
  const gw = topology(inventory).gateways[0];
  if (!gw)
    throw new Error(`environment ${inventory.name} has no host in group "edge": add one to its inventory`);
  const scheme = gw.host.vars.gateway.tls.enabled ? 'https' : 'http';
  return `${scheme}://${gw.address}:${gw.port}`;
}
