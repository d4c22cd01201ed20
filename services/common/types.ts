/**
 * The platform's shared vocabulary: entity documents as stored in CouchDB, activation records as
 * the API returns them, and the controller <-> invoker messages. Shapes follow OpenWhisk's.
 */

export interface KeyValue {
  key: string;
  value: unknown;
}

/** Subject document in `{prefix}subjects` (as upstream's initdb writes it). */
export interface SubjectDoc {
  _id: string;
  _rev?: string;
  subject: string;
  namespaces: { name: string; uuid: string; key: string }[];
  blocked?: boolean;
}

/** The authenticated caller. */
export interface Identity {
  subject: string;
  namespace: string;
  uuid: string;
  key: string;
}

export interface ActionLimits {
  timeout: number;
  memory: number;
  logs: number;
  concurrency: number;
}

export interface Exec {
  kind: string;
  code?: string;
  main?: string;
  binary?: boolean;
  image?: string;
  /** Sequences: fully qualified component names, e.g. "/guest/a". */
  components?: string[];
}

/** Fields common to actions, triggers, rules and packages. Doc id: `{namespace}/{name}`. */
export interface EntityBase {
  namespace: string;
  name: string;
  version: string;
  publish: boolean;
  annotations: KeyValue[];
  updated?: number;
  entityType: 'action' | 'trigger' | 'rule' | 'package';
}

export interface ActionDoc extends EntityBase {
  entityType: 'action';
  exec: Exec;
  parameters: KeyValue[];
  limits: ActionLimits;
}

export type ActivationStatus =
  | 'success'
  | 'application error'
  | 'action developer error'
  | 'whisk internal error';

export interface ActivationResponse {
  status: ActivationStatus;
  statusCode: number;
  success: boolean;
  result?: Record<string, unknown>;
}

/** Activation record; stored in `{prefix}activations` with `_id` `{namespace}/{activationId}`. */
export interface Activation {
  namespace: string;
  name: string;
  subject: string;
  activationId: string;
  start: number;
  end: number;
  duration: number;
  logs: string[];
  version: string;
  publish: boolean;
  annotations: KeyValue[];
  response: ActivationResponse;
  cause?: string;
}

/** status → numeric code used in stored records (0 success, 1 application, 2 developer, 3 internal). */
export const STATUS_CODES: Record<ActivationStatus, number> = {
  success: 0,
  'application error': 1,
  'action developer error': 2,
  'whisk internal error': 3,
};

/**
 * Controller -> invoker: POST {invoker}/activations with this body. The HTTP response (kept open,
 * keep-alive) is the completion: `{ activation: Activation }`. The invoker stores the record.
 */
export interface ActivationMessage {
  activationId: string;
  transactionId: string;
  /** The fully resolved action to run (package/binding parameters already merged). */
  action: {
    namespace: string;
    name: string;
    /** "pkg/name" or "name"; the activation's `path` annotation is `{namespace}/{path}`. */
    path: string;
    version: string;
    /** CouchDB revision: warm containers are reused only for the same rev. */
    rev: string;
    exec: Exec;
    limits: ActionLimits;
  };
  identity: Identity;
  /** The action's parameters merged with the invoke payload (payload wins). */
  params: Record<string, unknown>;
  /** Activation id of the sequence or trigger that caused this one. */
  cause?: string;
  /** Whether the caller waits: if false the invoker may answer 202 at once and work on. */
  blocking: boolean;
  /** Epoch ms after which the action is killed (start + timeout). Set by the invoker at start. */
}

/** Invoker -> every controller, once a second: POST {controller}/invokers/ping. */
export interface InvokerPing {
  id: string;
  /** Where the controller reaches it, e.g. http://127.0.0.1:12001 */
  url: string;
  userMemoryMB: number;
  freeMemoryMB: number;
  busy: number;
  status: 'up' | 'unhealthy';
}
