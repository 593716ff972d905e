// A readable page of the admin API, rendered on the server from the OpenAPI document (nothing from another host).
import type { Child } from 'hono/jsx';
import type { ConsoleContext } from './api';
import { Page } from './layout';
import type { JsonSchema } from './openapi';

type Operation = {
  summary?: string;
  description?: string;
  parameters?: { name: string; in: string; description?: string }[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: JsonSchema }> }>;
};

const refName = (schema: JsonSchema) => (typeof schema.$ref === 'string' ? schema.$ref.split('/').pop() : undefined);

/** `1–5 items`, `≥ 1`, `> 0`, `≤ 2048 characters`, or '' (zod's "no maximum" is left out). */
function range(min: unknown, max: unknown, unit: string, exclusive = false): string {
  const hasMax = typeof max === 'number' && max < Number.MAX_SAFE_INTEGER;
  if (typeof min === 'number' && hasMax && !exclusive) return `${min}–${max}${unit}`;
  if (typeof min === 'number') return `${exclusive ? '>' : '≥'} ${min}${unit}${hasMax ? `, ≤ ${max}` : ''}`;
  return hasMax ? `≤ ${max}${unit}` : '';
}

/** Text with `code` spans, as the OpenAPI descriptions write them. */
const Prose = ({ text }: { text: string }) => <>{text.split('`').map((part, i) => (i % 2 ? <code>{part}</code> : part))}</>;

/** A schema's type and constraints in a few words: `integer, 0–600000, default 2000`. */
export function describeSchema(schema: JsonSchema): string {
  const name = refName(schema);
  if (name) return name;
  const parts: string[] = [];
  const items = schema.items as JsonSchema | undefined;
  if (Array.isArray(schema.enum)) parts.push(`one of ${schema.enum.map((v) => JSON.stringify(v)).join(', ')}`);
  else if (schema.type === 'array' && items) parts.push(`list of ${describeSchema(items)}`);
  else if (Array.isArray(schema.anyOf)) parts.push((schema.anyOf as JsonSchema[]).map(describeSchema).join(' or '));
  else parts.push(typeof schema.type === 'string' ? schema.type : 'any');
  const bounds = [
    range(schema.minimum ?? schema.exclusiveMinimum, schema.maximum, '', schema.exclusiveMinimum !== undefined),
    range(schema.minLength, schema.maxLength, ' characters'),
    range(schema.minItems, schema.maxItems, ' items'),
  ];
  parts.push(...bounds.filter(Boolean));
  if (schema.pattern) parts.push(`matching ${String(schema.pattern)}`);
  if (schema.default !== undefined) parts.push(`default ${JSON.stringify(schema.default)}`);
  return parts.join(', ');
}

/** The fields of an object schema as a nested list (and of the objects inside it, to `depth`). */
export function Fields({ schema, depth = 0 }: { schema: JsonSchema; depth?: number }): Child {
  const target = schema.type === 'array' ? ((schema.items as JsonSchema | undefined) ?? {}) : schema;
  const properties = Object.entries((target.properties ?? {}) as Record<string, JsonSchema>);
  const extra = target.additionalProperties as JsonSchema | undefined;
  if (depth > 6 || (properties.length === 0 && (typeof extra !== 'object' || !extra.properties))) return null;
  const required = new Set((target.required ?? []) as string[]);
  const entries: [string, JsonSchema][] = [
    ...properties,
    ...(typeof extra === 'object' && extra.properties ? [['<name>', extra] as [string, JsonSchema]] : []),
  ];
  return (
    <ul>
      {entries.map(([name, field]) => (
        <li>
          <code>{name}</code> {required.has(name) && <strong>required</strong>} <span class="muted">{describeSchema(field)}</span>
          {typeof field.description === 'string' && (
            <div>
              <Prose text={field.description} />
            </div>
          )}
          <Fields schema={field} depth={depth + 1} />
        </li>
      ))}
    </ul>
  );
}

function OperationView({ method, path, op }: { method: string; path: string; op: Operation }) {
  const requestSchema = op.requestBody?.content['application/json']?.schema;
  const id = `${method}-${path.replace(/\W+/g, '-')}`;
  return (
    <section aria-labelledby={id}>
      <h2 id={id}>
        <code>{`${method.toUpperCase()} ${path}`}</code> {op.summary}
      </h2>
      {op.description && (
        <p>
          <Prose text={op.description} />
        </p>
      )}
      {(op.parameters ?? []).map((p) => (
        <p>
          Query <code>{p.name}</code>: <Prose text={p.description ?? ''} />
        </p>
      ))}
      {requestSchema && (
        <>
          <h3>Request body: {describeSchema(requestSchema)}</h3>
          {refName(requestSchema) ? (
            <p>
              See <a href={`#schema-${refName(requestSchema)}`}>{refName(requestSchema)}</a>.
            </p>
          ) : null}
        </>
      )}
      <h3>Responses</h3>
      <ul>
        {Object.entries(op.responses).map(([status, r]) => {
          const schema = r.content?.['application/json']?.schema;
          return (
            <li>
              <strong>{status}</strong> <Prose text={r.description} />{' '}
              {schema && <a href={`#schema-${refName(schema)}`}>{describeSchema(schema)}</a>}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

export function DocsPage({ c, doc }: { c: ConsoleContext; doc: JsonSchema }) {
  const paths = doc.paths as Record<string, Record<string, Operation>>;
  const schemas = (doc.components as { schemas: Record<string, JsonSchema> }).schemas;
  const info = doc.info as { title: string; description: string };
  return (
    <Page c={c} title={info.title}>
      <p>
        <Prose text={info.description} /> The machine-readable document: <a href="/admin/openapi.json">/admin/openapi.json</a>{' '}
        (OpenAPI {String(doc.openapi)}).
      </p>
      {Object.entries(paths).flatMap(([path, ops]) =>
        Object.entries(ops).map(([method, op]) => <OperationView method={method} path={path} op={op} />),
      )}
      <h2>Schemas</h2>
      {Object.entries(schemas).map(([name, schema]) => (
        <section aria-labelledby={`schema-${name}`}>
          <h3 id={`schema-${name}`}>{name}</h3>
          <p class="muted">{describeSchema(schema)}</p>
          <Fields schema={schema} />
        </section>
      ))}
    </Page>
  );
}
