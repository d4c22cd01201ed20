/**
 * Design documents for the three databases, as data: the initdb/wipe playbooks upsert them and
 * ensureDatabases() installs them for tests. Names follow upstream OpenWhisk's.
 */

export interface DesignDoc {
  _id: string;
  language: 'javascript';
  views: Record<string, { map: string; reduce?: string }>;
}

/** Identities by [uuid, key] (authentication) and by [namespace] (namespace lookups). */
const subjects: DesignDoc = {
  _id: '_design/subjects.v2.0.0',
  language: 'javascript',
  views: {
    identities: {
      map: `function (doc) {
  if (doc.namespaces && !doc.blocked) {
    doc.namespaces.forEach(function (ns) {
      var v = { _id: doc._id, subject: doc.subject, namespace: ns.name, uuid: ns.uuid, key: ns.key };
      emit([ns.uuid, ns.key], v);
      emit([ns.name], v);
    });
  }
}`,
    },
  },
};

/** Emits an entity under [namespace, updated], and for package members also under the root namespace. */
function entityView(test: string): { map: string; reduce: string } {
  return {
    map: `function (doc) {
  if (${test}) {
    var root = doc.namespace.split('/')[0];
    var v = { namespace: doc.namespace, name: doc.name, version: doc.version, publish: doc.publish,
      annotations: doc.annotations, updated: doc.updated, entityType: doc.entityType };
    if (doc.exec) { v.exec = { kind: doc.exec.kind, binary: doc.exec.binary || false }; v.limits = doc.limits; }
    if (doc.binding !== undefined) v.binding = doc.binding;
    emit([doc.namespace, doc.updated], v);
    if (root !== doc.namespace) emit([root, doc.updated], v);
  }
}`,
    reduce: '_count',
  };
}

const whisks: DesignDoc = {
  _id: '_design/whisks.v2.1.0',
  language: 'javascript',
  views: {
    all: entityView("typeof doc.namespace === 'string' && doc.entityType !== undefined"),
    actions: entityView("doc.entityType === 'action'"),
    triggers: entityView("doc.entityType === 'trigger'"),
    rules: entityView("doc.entityType === 'rule'"),
    packages: entityView("doc.entityType === 'package'"),
    'packages-public': entityView("doc.entityType === 'package' && doc.publish === true && !doc.binding"),
  },
};

/**
 * Activations newest-first by [namespace, start], and by [namespace/(package/)name, start] for
 * `name=` filters; the action's own namespace is dropped from the path so shared actions list under
 * the caller's namespace.
 */
const activations: DesignDoc = {
  _id: '_design/activations',
  language: 'javascript',
  views: {
    byNamespace: {
      map: `function (doc) {
  if (doc.activationId) emit([doc.namespace, doc.start], null);
}`,
      reduce: '_count',
    },
    byPath: {
      map: `function (doc) {
  if (doc.activationId) {
    var path = doc.name;
    (doc.annotations || []).forEach(function (a) {
      if (a.key === 'path' && typeof a.value === 'string') path = a.value.split('/').slice(1).join('/');
    });
    emit([doc.namespace + '/' + path, doc.start], null);
  }
}`,
      reduce: '_count',
    },
  },
};

export const designDocs = { subjects: [subjects], whisks: [whisks], activations: [activations] } as const;

export const WHISKS_DDOC = 'whisks.v2.1.0';
export const SUBJECTS_DDOC = 'subjects.v2.0.0';
export const ACTIVATIONS_DDOC = 'activations';
