import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';
import type { FieldError } from './errors.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** Marks a body schema whose whole body may be left out (no body, an empty body, or `{}`). */
export const OPTIONAL_BODY = 'x-optional-body';

function makeAjv(coerceTypes: boolean): Ajv {
  const ajv = new Ajv({
    coerceTypes,
    useDefaults: true,
    removeAdditional: false,
    allErrors: false,
    strict: false,
  });
  addFormats(ajv);
  ajv.addKeyword({ keyword: OPTIONAL_BODY, schemaType: 'boolean' });
  return ajv;
}

// Bodies are JSON with real types: nothing is coerced ("1" is not a number).
const bodyAjv = makeAjv(false);
// Path and query parameters are strings by nature: they are coerced to the declared type.
const urlAjv = makeAjv(true);

/** Fastify validator compiler: strict for bodies, coercing for params and query strings. */
export const validatorCompiler: FastifySchemaCompiler<Record<string, unknown>> = ({ schema, httpPart }) => {
  if (httpPart !== 'body') return urlAjv.compile(schema);
  const validate: ValidateFunction = bodyAjv.compile(schema);
  if (schema[OPTIONAL_BODY] !== true) return validate;
  // Fastify reports an absent body as null (or undefined): both mean "no body".
  const optional = (data: unknown) => (data === undefined || data === null ? true : validate(data));
  // Fastify reads `.errors` after a failed call: forward it live from the wrapped validator.
  Object.defineProperty(optional, 'errors', { get: () => validate.errors });
  return optional;
};

interface AjvLikeError {
  instancePath?: string;
  message?: string;
  keyword?: string;
  params?: Record<string, unknown>;
}

/** Turns Ajv errors into the API's `errors: [{path, message}]`. */
export function fieldErrors(context: string | undefined, errors: AjvLikeError[]): FieldError[] {
  return errors.map((error) => {
    let path = `${context ?? 'body'}${error.instancePath ?? ''}`;
    let message = error.message ?? 'is invalid';
    if (error.keyword === 'additionalProperties' && typeof error.params?.additionalProperty === 'string') {
      path = `${path}/${error.params.additionalProperty}`;
      message = 'is not an allowed field';
    } else if (error.keyword === 'required' && typeof error.params?.missingProperty === 'string') {
      path = `${path}/${error.params.missingProperty}`;
      message = 'is required';
    }
    return { path, message };
  });
}
