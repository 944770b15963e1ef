import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ProblemSchema, strictObject } from '../../platform/http/index.js';
import type { CategoryNode, TaxonomyService } from './taxonomy.service.js';

const Id = Type.String({ format: 'uuid' });
const Name = Type.String({ minLength: 1, maxLength: 100 });
const Position = Type.Integer({ minimum: 0, maximum: 1_000_000 });
const LogoUrl = Type.Union([Type.String({ minLength: 1, maxLength: 2048, pattern: '^(https?://|/)' }), Type.Null()]);

const CategorySchema = strictObject({ id: Type.String(), parentId: Type.Union([Type.String(), Type.Null()]), name: Type.String(), position: Type.Integer() });
const CategoryTree = Type.Recursive((self) => strictObject({ ...CategorySchema.properties, children: Type.Array(self) }), { $id: 'CategoryNode' });
const BrandSchema = strictObject({ id: Type.String(), name: Type.String(), logoUrl: Type.Union([Type.String(), Type.Null()]) });
const CategoryBody = strictObject({ name: Name, parentId: Type.Optional(Type.Union([Id, Type.Null()])), position: Type.Optional(Position) });
const CategoryPatch = Type.Object(
  { name: Type.Optional(Name), parentId: Type.Optional(Type.Union([Id, Type.Null()])), position: Type.Optional(Position) },
  { additionalProperties: false, minProperties: 1 },
);
const BrandBody = strictObject({ name: Name, logoUrl: Type.Optional(LogoUrl) });
const BrandPatch = Type.Object({ name: Type.Optional(Name), logoUrl: Type.Optional(LogoUrl) }, { additionalProperties: false, minProperties: 1 });

const tags = ['catalog'];
const adminTags = ['admin'];
const security = [{ bearer: [] }];
const admin = { config: { auth: 'admin' as const } };
const problems = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema };
const params = strictObject({ id: Id });

/** Categories and brands: public reads; create, edit and delete for administrators. */
export function registerTaxonomyRoutes(app: FastifyInstance, taxonomy: TaxonomyService): void {
  app.get('/api/v1/categories', { schema: { tags, summary: 'The category tree', response: { 200: strictObject({ items: Type.Array(CategoryTree) }) } } }, async () => ({
    items: (await taxonomy.categoryTree()) satisfies CategoryNode[],
  }));
  app.get('/api/v1/brands', { schema: { tags, summary: 'Every brand', response: { 200: strictObject({ items: Type.Array(BrandSchema) }) } } }, async () => ({
    items: await taxonomy.brands(),
  }));

  app.post<{ Body: Static<typeof CategoryBody> }>(
    '/api/v1/admin/categories',
    { ...admin, schema: { tags: adminTags, security, body: CategoryBody, response: { 201: CategorySchema, ...problems } } },
    async (request, reply) => reply.code(201).send(await taxonomy.createCategory(request.body)),
  );
  app.patch<{ Params: { id: string }; Body: Static<typeof CategoryPatch> }>(
    '/api/v1/admin/categories/:id',
    { ...admin, schema: { tags: adminTags, security, params, body: CategoryPatch, response: { 200: CategorySchema, ...problems } } },
    async (request) => taxonomy.updateCategory(request.params.id, request.body),
  );
  app.delete<{ Params: { id: string } }>(
    '/api/v1/admin/categories/:id',
    { ...admin, schema: { tags: adminTags, security, summary: 'Delete an empty category (409 when it has sub-categories or products)', params, response: { 204: Type.Null(), ...problems } } },
    async (request, reply) => {
      await taxonomy.deleteCategory(request.params.id);
      return reply.code(204).send();
    },
  );

  app.post<{ Body: Static<typeof BrandBody> }>(
    '/api/v1/admin/brands',
    { ...admin, schema: { tags: adminTags, security, body: BrandBody, response: { 201: BrandSchema, ...problems } } },
    async (request, reply) => reply.code(201).send(await taxonomy.createBrand(request.body)),
  );
  app.patch<{ Params: { id: string }; Body: Static<typeof BrandPatch> }>(
    '/api/v1/admin/brands/:id',
    { ...admin, schema: { tags: adminTags, security, params, body: BrandPatch, response: { 200: BrandSchema, ...problems } } },
    async (request) => taxonomy.updateBrand(request.params.id, request.body),
  );
  app.delete<{ Params: { id: string } }>(
    '/api/v1/admin/brands/:id',
    { ...admin, schema: { tags: adminTags, security, summary: 'Delete a brand no product carries', params, response: { 204: Type.Null(), ...problems } } },
    async (request, reply) => {
      await taxonomy.deleteBrand(request.params.id);
      return reply.code(204).send();
    },
  );
}
