// The SchemaService's state: schemas with their revisions, and the check a topic's schema_settings
// apply on publish (https://cloud.google.com/pubsub/docs/schemas, /commit-schema-revision).
import { randomBytes } from 'node:crypto';
import { alreadyExists, failedPrecondition, invalidArgument, notFound, unimplemented } from './errors';
import { parseName, type ResourceName } from './names';
import { msToTimestamp, type Timestamp } from './proto-types';
import { compileSchema, SchemaDefinitionError, supportsEncoding, type Encoding, type MessageCheck, type SchemaType } from './schema-validator';

/** What topics show once their schema is deleted. */
export const DELETED_SCHEMA = '_deleted-schema_';
/** Attributes Pub/Sub adds to messages published to a topic with a schema. */
const SCHEMA_ATTRIBUTES = { name: 'googclient_schemaname', encoding: 'googclient_schemaencoding', revision: 'googclient_schemarevisionid' };

export interface SchemaResource {
  name?: string;
  type?: string;
  definition?: string;
  revisionId?: string;
  revisionCreateTime?: Timestamp | null;
}

export interface SchemaSettings {
  schema?: string;
  encoding?: string;
  firstRevisionId?: string;
  lastRevisionId?: string;
}

interface Revision {
  readonly id: string;
  readonly type: SchemaType;
  readonly definition: string;
  readonly createdMs: number;
  readonly check: MessageCheck;
}

interface SchemaState {
  readonly ref: ResourceName;
  /** Oldest first. */
  revisions: Revision[];
}

export interface SavedSchema {
  name: string;
  revisions: Array<{ id: string; type: SchemaType; definition: string; createdMs: number }>;
}

export class SchemaRegistry {
  private readonly schemas = new Map<string, SchemaState>();

  constructor(private readonly now: () => number) {}

  create(parent: string | undefined, schemaId: string | undefined, input: SchemaResource | null | undefined): SchemaResource {
    const ref = parseName('schemas', `${parent ?? ''}/schemas/${schemaId ?? ''}`);
    if (this.schemas.has(ref.name)) throw alreadyExists(ref.id);
    const schema: SchemaState = { ref, revisions: [this.revision(input)] };
    this.schemas.set(ref.name, schema);
    return render(schema, schema.revisions[0]!, 'FULL');
  }

  /** `name` may carry a revision: `projects/p/schemas/s@<revision id>`. */
  get(name: string | undefined, view: string | undefined): SchemaResource {
    const { schema, revision } = this.lookup(name);
    return render(schema, revision, view === 'BASIC' ? 'BASIC' : 'FULL');
  }

  list(project: string, view: string | undefined): SchemaResource[] {
    return [...this.schemas.values()]
      .filter((s) => s.ref.project === project)
      .map((s) => render(s, latest(s), view === 'FULL' ? 'FULL' : 'BASIC'));
  }

  /** Newest first, as Pub/Sub lists them. */
  listRevisions(name: string | undefined, view: string | undefined): SchemaResource[] {
    const schema = this.schema(name);
    return [...schema.revisions].reverse().map((r) => render(schema, r, view === 'FULL' ? 'FULL' : 'BASIC'));
  }

  commit(name: string | undefined, input: SchemaResource | null | undefined): SchemaResource {
    const schema = this.schema(name);
    const revision = this.revision(input);
    if (revision.type !== latest(schema).type) throw invalidArgument('A schema revision must keep the schema\'s type.');
    schema.revisions.push(revision);
    return render(schema, revision, 'FULL');
  }

  rollback(name: string | undefined, revisionId: string | undefined): SchemaResource {
    const schema = this.schema(name);
    const target = schema.revisions.find((r) => r.id === revisionId);
    if (!target) throw notFound(`${schema.ref.id}@${revisionId ?? ''}`);
    const revision: Revision = { ...target, id: newRevisionId(), createdMs: this.now() };
    schema.revisions.push(revision);
    return render(schema, revision, 'FULL');
  }

  deleteRevision(name: string | undefined, revisionId: string | undefined): SchemaResource {
    const { schema, revision } = this.lookup(revisionId && !name?.includes('@') ? `${name ?? ''}@${revisionId}` : name);
    if (schema.revisions.length === 1) throw failedPrecondition('The last revision of a schema cannot be deleted; delete the schema instead.');
    schema.revisions = schema.revisions.filter((r) => r !== revision);
    return render(schema, revision, 'FULL');
  }

  delete(name: string | undefined): void {
    const schema = this.schema(name);
    this.schemas.delete(schema.ref.name);
  }

  /** ValidateSchema: INVALID_ARGUMENT with the reason when the definition does not compile. */
  validateSchema(input: SchemaResource | null | undefined): void {
    compile(input);
  }

  /** ValidateMessage against a named schema (or `name@revision`) or an inline one. */
  validateMessage(spec: { name?: string; schema?: SchemaResource | null }, message: Buffer, encoding: string | undefined): void {
    const enc = encodingOf(encoding);
    const { type, check } = spec.name ? this.lookup(spec.name).revision : compile(spec.schema);
    if (!supportsEncoding(type, enc)) throw unimplemented(`Checking ${type} messages in ${enc} encoding`);
    const why = check(message, enc);
    if (why) throw invalidArgument(`Invalid data in message: ${why}.`);
  }

  /** Checks topic schema_settings when a topic is created or updated; returns them normalised. */
  settings(input: SchemaSettings): Required<SchemaSettings> {
    const schema = this.schema(input.schema);
    const encoding = encodingOf(input.encoding);
    const type = latest(schema).type;
    if (!supportsEncoding(type, encoding)) throw unimplemented(`Topics with ${type} schemas in ${encoding} encoding`);
    for (const id of [input.firstRevisionId, input.lastRevisionId]) {
      if (id && !schema.revisions.some((r) => r.id === id)) throw notFound(`${schema.ref.id}@${id}`);
    }
    return { schema: schema.ref.name, encoding, firstRevisionId: input.firstRevisionId ?? '', lastRevisionId: input.lastRevisionId ?? '' };
  }

  /**
   * Publish check for a topic with schema settings: the message must match one of the revisions in
   * range. Returns the attributes Pub/Sub adds (schema name, encoding, matching revision).
   */
  checkPublish(settings: Required<SchemaSettings>, data: Buffer): Record<string, string> {
    const schema = this.schemas.get(settings.schema);
    if (!schema) throw failedPrecondition(`The topic's schema ${settings.schema} was deleted; messages cannot be validated.`);
    const encoding = encodingOf(settings.encoding);
    const first = settings.firstRevisionId ? schema.revisions.findIndex((r) => r.id === settings.firstRevisionId) : 0;
    const lastIndex = settings.lastRevisionId ? schema.revisions.findIndex((r) => r.id === settings.lastRevisionId) : schema.revisions.length - 1;
    const candidates = schema.revisions.slice(Math.max(0, first), (lastIndex < 0 ? schema.revisions.length - 1 : lastIndex) + 1).reverse();
    let why = 'no schema revision in the topic\'s range';
    for (const revision of candidates) {
      const err = revision.check(data, encoding);
      if (!err) {
        return { [SCHEMA_ATTRIBUTES.name]: schema.ref.name, [SCHEMA_ATTRIBUTES.encoding]: encoding, [SCHEMA_ATTRIBUTES.revision]: revision.id };
      }
      why = err;
    }
    throw invalidArgument(`Invalid data in message: Message failed schema validation (${why}).`);
  }


  export(): SavedSchema[] {
    return [...this.schemas.values()].map((s) => ({
      name: s.ref.name,
      revisions: s.revisions.map((r) => ({ id: r.id, type: r.type, definition: r.definition, createdMs: r.createdMs })),
    }));
  }

  import(saved: SavedSchema[]): void {
    for (const s of saved) {
      const ref = parseName('schemas', s.name);
      this.schemas.set(ref.name, {
        ref,
        revisions: s.revisions.map((r) => ({ ...r, check: compileSchema(r.type, r.definition) })),
      });
    }
  }

  private schema(name: string | undefined): SchemaState {
    const ref = parseName('schemas', name);
    const schema = this.schemas.get(ref.name);
    if (!schema) throw notFound(ref.id);
    return schema;
  }

  private lookup(name: string | undefined): { schema: SchemaState; revision: Revision } {
    const [base, revisionId] = (name ?? '').split('@');
    const schema = this.schema(base);
    if (revisionId === undefined) return { schema, revision: latest(schema) };
    const revision = schema.revisions.find((r) => r.id === revisionId);
    if (!revision) throw notFound(`${schema.ref.id}@${revisionId}`);
    return { schema, revision };
  }

  private revision(input: SchemaResource | null | undefined): Revision {
    const { type, definition, check } = compile(input);
    return { id: newRevisionId(), type, definition, createdMs: this.now(), check };
  }
}

function compile(input: SchemaResource | null | undefined): { type: SchemaType; definition: string; check: MessageCheck } {
  if (!input) throw invalidArgument('The schema must be set.');
  const type = input.type;
  if (type !== 'AVRO' && type !== 'PROTOCOL_BUFFER') throw invalidArgument('Invalid schema type: it must be AVRO or PROTOCOL_BUFFER.');
  const definition = input.definition ?? '';
  try {
    return { type, definition, check: compileSchema(type, definition) };
  } catch (err) {
    if (err instanceof SchemaDefinitionError) throw invalidArgument(`Invalid schema definition: ${err.message}`);
    throw err;
  }
}

/** Pub/Sub treats an unspecified encoding as JSON. */
function encodingOf(encoding: string | undefined): Encoding {
  if (!encoding || encoding === 'ENCODING_UNSPECIFIED' || encoding === 'JSON') return 'JSON';
  if (encoding === 'BINARY') return 'BINARY';
  throw invalidArgument(`Invalid encoding: ${encoding}.`);
}

function latest(schema: SchemaState): Revision {
  return schema.revisions[schema.revisions.length - 1]!;
}

function newRevisionId(): string {
  return randomBytes(4).toString('hex');
}

/** BASIC leaves out only the definition (SchemaView in the proto). */
function render(schema: SchemaState, r: Revision, view: 'BASIC' | 'FULL'): SchemaResource {
  const out: SchemaResource = { name: schema.ref.name, type: r.type, revisionId: r.id, revisionCreateTime: msToTimestamp(r.createdMs) };
  if (view === 'FULL') out.definition = r.definition;
  return out;
}
