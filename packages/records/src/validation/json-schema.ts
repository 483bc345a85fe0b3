/**
 * A lean validator for the subset of JSON Schema (draft 2020-12) that the record schemas compile
 * to: what the SDK runs in every app instead of the schema library, so that validating a file
 * costs a few hundred bytes of code rather than tens of kilobytes. The schema it reads is generated
 * from the zod schemas in `record.ts` (record-schema.generated.ts), and a test holds the two to the
 * same verdict over the synthetic population and mutations of it.
 *
 * Like the zod schemas, it returns a copy holding only the properties the schema names (unknown
 * members are dropped, not refused), and measures string length in UTF-16 code units.
 */

/** The keywords the record schemas use. */
export interface LeanSchema {
  type?: 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean';
  properties?: Record<string, LeanSchema>;
  required?: readonly string[];
  items?: LeanSchema;
  oneOf?: readonly LeanSchema[];
  enum?: readonly unknown[];
  const?: unknown;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
}

/** One problem: where (dotted path) and what. */
export interface SchemaIssue {
  path: string;
  message: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Where the value being checked sits; joined into a dotted path only when an issue is reported. */
type Path = (string | number)[];
/** A compiled check: returns the value (a stripped copy for objects), or reports and returns undefined. */
type Check = (value: unknown, path: Path, issues: SchemaIssue[]) => unknown;

const report = (issues: SchemaIssue[], path: Path, message: string) => {
  issues.push({ path: path.join('.'), message });
  return undefined;
};

const TYPE_CHECKS: Record<NonNullable<LeanSchema['type']>, [(v: unknown) => boolean, string]> = {
  object: [isObject, 'expected an object'],
  array: [Array.isArray, 'expected an array'],
  string: [(v) => typeof v === 'string', 'expected a string'],
  boolean: [(v) => typeof v === 'boolean', 'expected a boolean'],
  integer: [Number.isSafeInteger, 'expected an integer'],
  number: [(v) => typeof v === 'number' && Number.isFinite(v), 'expected a number'],
};

/**
 * The `oneOf` of the record shapes is discriminated by a `const` member (`category`): the variant
 * is picked by that member's value, as zod's discriminated union does, instead of trying each.
 */
function compileOneOf(variants: readonly LeanSchema[]): Check {
  const discriminator = Object.entries(variants[0]?.properties ?? {}).find(([key]) =>
    variants.every((v) => v.properties?.[key] !== undefined && 'const' in (v.properties[key] as LeanSchema)),
  )?.[0];
  const byValue = new Map(variants.map((v) => [v.properties?.[discriminator ?? '']?.const, compile(v)] as const));
  return (value, path, issues) => {
    const check = discriminator !== undefined && isObject(value) ? byValue.get(value[discriminator]) : undefined;
    return check ? check(value, path, issues) : report(issues, path, 'matches no record shape');
  };
}

/** Turns a schema node into one closure, so that checking a record walks no schema objects. */
function compile(schema: LeanSchema): Check {
  if (schema.oneOf) return compileOneOf(schema.oneOf);
  const steps: ((value: never) => string | undefined)[] = [];
  if ('const' in schema)
    steps.push((v) => (v === schema.const ? undefined : `expected ${JSON.stringify(schema.const)}`));
  if (schema.enum) {
    const allowed = new Set(schema.enum);
    const message = `expected one of ${schema.enum.join(', ')}`;
    steps.push((v) => (allowed.has(v) ? undefined : message));
  }
  const { minLength, maxLength, minItems, maxItems, minimum, maximum, exclusiveMinimum } = schema;
  if (minLength !== undefined)
    steps.push((v: string) => (v.length < minLength ? `shorter than ${minLength}` : undefined));
  if (maxLength !== undefined)
    steps.push((v: string) => (v.length > maxLength ? `longer than ${maxLength}` : undefined));
  if (schema.pattern !== undefined) {
    const pattern = new RegExp(schema.pattern);
    steps.push((v: string) => (pattern.test(v) ? undefined : 'invalid format'));
  }
  if (minimum !== undefined) steps.push((v: number) => (v < minimum ? `less than ${minimum}` : undefined));
  if (maximum !== undefined) steps.push((v: number) => (v > maximum ? `more than ${maximum}` : undefined));
  if (exclusiveMinimum !== undefined)
    steps.push((v: number) => (v <= exclusiveMinimum ? `not more than ${exclusiveMinimum}` : undefined));
  if (minItems !== undefined)
    steps.push((v: unknown[]) => (v.length < minItems ? `fewer than ${minItems} items` : undefined));
  if (maxItems !== undefined)
    steps.push((v: unknown[]) => (v.length > maxItems ? `more than ${maxItems} items` : undefined));
  const [isType, typeMessage] = schema.type ? TYPE_CHECKS[schema.type] : [() => true, ''];
  const inner = schema.items
    ? compileItems(compile(schema.items))
    : schema.properties
      ? compileProperties(schema.properties, schema.required ?? [])
      : undefined;
  return (value, path, issues) => {
    if (!isType(value)) return report(issues, path, typeMessage);
    for (const step of steps) {
      const message = step(value as never);
      if (message !== undefined) return report(issues, path, message);
    }
    return inner ? inner(value, path, issues) : value;
  };
}

function compileItems(item: Check): Check {
  return (value, path, issues) => {
    const list = value as unknown[];
    const out = new Array(list.length);
    for (let i = 0; i < list.length; i++) {
      path.push(i);
      out[i] = item(list[i], path, issues);
      path.pop();
    }
    return out;
  };
}

function compileProperties(properties: Record<string, LeanSchema>, required: readonly string[]): Check {
  const members = Object.entries(properties).map(([key, p]) => [key, compile(p)] as const);
  return (value, path, issues) => {
    const object = value as Record<string, unknown>;
    for (const key of required) {
      if (!(key in object)) {
        path.push(key);
        report(issues, path, 'required');
        path.pop();
      }
    }
    // Only the named members are copied: unknown ones are dropped, as zod drops them.
    const out: Record<string, unknown> = {};
    for (const [key, check] of members) {
      const member = object[key];
      if (member === undefined) continue;
      path.push(key);
      out[key] = check(member, path, issues);
      path.pop();
    }
    return out;
  };
}

const compiled = new WeakMap<LeanSchema, Check>();

/**
 * Validates `value` against `schema` (compiled once per schema object). Returns the value with
 * unknown members dropped, or the issues, each with its dotted path.
 *
 * @example
 * ```ts
 * const result = validateLean(RECORD_SCHEMA, json);
 * if ('issues' in result) console.log(result.issues[0]); // { path: 'orders.0.days', message: 'expected an integer' }
 * ```
 */
export function validateLean(schema: LeanSchema, value: unknown): { value: unknown } | { issues: SchemaIssue[] } {
  let check = compiled.get(schema);
  if (!check) {
    check = compile(schema);
    compiled.set(schema, check);
  }
  const issues: SchemaIssue[] = [];
  const checked = check(value, [], issues);
  return issues.length > 0 ? { issues } : { value: checked };
}

/** What zod's JSON Schema says that the lean validator does not need. */
const DROPPED = new Set([
  '$schema',
  // Every `format` the records use comes with the `pattern` that decides it.
  'format',
  // Unknown members are dropped from the result, as zod does, rather than refused.
  'additionalProperties',
]);

/** Turns zod's JSON Schema output into a {@link LeanSchema}. */
export function leanSchemaOf(jsonSchema: unknown): LeanSchema {
  return JSON.parse(JSON.stringify(jsonSchema, (key, value) => (DROPPED.has(key) ? undefined : value)));
}
