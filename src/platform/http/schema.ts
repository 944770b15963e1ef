import { Type, type TObject, type TProperties, type TSchema } from '@sinclair/typebox';
import { OPTIONAL_BODY } from './validation.js';

/** An object that rejects unknown fields (every request body and response in this API). */
export function strictObject<T extends TProperties>(properties: T, options: { description?: string } = {}): TObject<T> {
  return Type.Object(properties, { additionalProperties: false, ...options });
}

/** A body that may be absent, empty, or `{}` (API.md: POSTs with optional bodies). */
export function optionalBody<T extends TSchema>(schema: T): T {
  return { ...schema, [OPTIONAL_BODY]: true };
}

/** RFC 9457 problem details, for response schemas in the OpenAPI document. */
export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    code: Type.String(),
    detail: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(Type.Object({ path: Type.String(), message: Type.String() }))),
  },
  { $id: 'Problem', description: 'RFC 9457 problem details' },
);

export const IdParam = strictObject({ id: Type.String({ minLength: 1, maxLength: 64 }) });

/** A list's `?cursor=`: opaque to clients (the previous page's nextCursor), checked by its shape here. */
export function CursorQuery(pattern = '^[0-9]{1,15}$') {
  return Type.Optional(Type.String({ pattern, description: "the previous page's nextCursor" }));
}

/** `?limit=&cursor=` of every list endpoint. */
export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  cursor: Type.Optional(Type.String({ maxLength: 512 })),
};
