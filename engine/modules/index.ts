/**
 * Every module a playbook can use: factories (what tasks call), the Module objects and their
 * argument types, plus the helpers other engine parts need.
 */

export type { FileAttributes } from './attributes.ts';
export {
  type CommandArgs,
  command,
  commandModule,
  commandProbeModule,
  type ShellArgs,
  shell,
  shellModule,
  shellProbeModule,
} from './command.ts';
export { ensureContent, sha256, type WantedContent } from './content.ts';
export { type CopyArgs, copy, copyModule } from './copy.ts';
export type { CouchTarget } from './couchdb_client.ts';
export { type CouchDatabaseArgs, couchdbDatabase, couchdbDatabaseModule } from './couchdb_database.ts';
export { type CouchDocumentArgs, couchdbDocument, couchdbDocumentModule } from './couchdb_document.ts';
export {
  type CouchSecurityArgs,
  couchdbSecurity,
  couchdbSecurityModule,
  type SecurityGroup,
} from './couchdb_security.ts';
export { type DockerContainerArgs, dockerContainer, dockerContainerModule } from './docker_container.ts';
export { type DockerImageArgs, dockerImage, dockerImageModule } from './docker_image.ts';
export { type DockerNetworkArgs, dockerNetwork, dockerNetworkModule } from './docker_network.ts';
export { type FactsArgs, facts, factsModule, type HostFacts, parseFacts } from './facts.ts';
export { type FileArgs, type FileState, file, fileModule } from './file.ts';
export { type HttpArgs, type HttpMethod, http, httpModule, httpProbeModule } from './http.ts';
export {
  type ProcessArgs,
  type ProcessStatus,
  processModule,
  processStatus,
  SUPERVISOR_SOURCE,
  supervisedProcess,
} from './process.ts';
export { type SecretUrl, showUrl } from './reveal.ts';
export {
  type SystemdArgs,
  systemd,
  systemdAvailable,
  systemdModule,
  systemdUnit,
  type UnitSpec,
} from './systemd.ts';
export { renderTemplate, TEMPLATES_DIR, type TemplateArgs, template, templateModule } from './template.ts';
export { type WaitForArgs, waitFor, waitForModule } from './wait_for.ts';
