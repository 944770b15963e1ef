import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { CursorQuery, PageQuery, ProblemSchema, principalOf, strictObject } from '../../platform/http/index.js';
import { MoneySchema, PositiveMoneySchema } from '../../platform/money/index.js';
import { PRODUCT_CURSOR, type CatalogService } from './catalog.service.js';

const Id = Type.String({ format: 'uuid' });
const Title = Type.String({ minLength: 1, maxLength: 200 });
const Description = Type.String({ maxLength: 10_000 });
const Images = Type.Array(Type.String({ minLength: 1, maxLength: 2048, pattern: '^(https?://|/)' }), { maxItems: 20 });
const Attributes = Type.Record(Type.String({ minLength: 1, maxLength: 50 }), Type.String({ maxLength: 200 }), { maxProperties: 20 });
const Status = Type.Union([Type.Literal('listed'), Type.Literal('delisted')]);

const SkuInput = strictObject({
  name: Type.Optional(Type.String({ maxLength: 100 })),
  attributes: Type.Optional(Attributes),
  price: PositiveMoneySchema,
  stock: Type.Integer({ minimum: 0, maximum: 100_000_000 }),
});
const ProductBody = strictObject({
  title: Title,
  description: Type.Optional(Description),
  categoryId: Type.Optional(Id),
  brandId: Type.Optional(Id),
  images: Type.Optional(Images),
  skus: Type.Array(SkuInput, { minItems: 1, maxItems: 100 }),
});
const ProductPatch = strictObject({
  title: Type.Optional(Title),
  description: Type.Optional(Description),
  status: Type.Optional(Status),
  categoryId: Type.Optional(Type.Union([Id, Type.Null()])),
  brandId: Type.Optional(Type.Union([Id, Type.Null()])),
  images: Type.Optional(Images),
});
const SkuPatch = strictObject({ name: Type.Optional(Type.String({ maxLength: 100 })), attributes: Type.Optional(Attributes), price: Type.Optional(PositiveMoneySchema) });
const StockAdjustment = strictObject({
  delta: Type.Integer({ minimum: -100_000_000, maximum: 100_000_000, not: { const: 0 } }),
  reason: Type.Optional(Type.String({ maxLength: 200 })),
});

export const ProductSchema = strictObject({
  id: Type.String(),
  sellerId: Type.String(),
  title: Type.String(),
  description: Type.String(),
  status: Status,
  categoryId: Type.Union([Type.String(), Type.Null()]),
  brandId: Type.Union([Type.String(), Type.Null()]),
  images: Type.Array(Type.String()),
  skus: Type.Array(strictObject({ id: Type.String(), name: Type.String(), attributes: Type.Record(Type.String(), Type.String()), price: MoneySchema, stock: Type.Integer() })),
  createdAt: Type.String({ format: 'date-time' }),
});
const ProductPage = strictObject({ items: Type.Array(ProductSchema), nextCursor: Type.Union([Type.String(), Type.Null()]) });
const ListQuery = strictObject({
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  sellerId: Type.Optional(Id),
  categoryId: Type.Optional(Id),
  brandId: Type.Optional(Id),
  minPrice: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })),
  maxPrice: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })),
  ...PageQuery,
  cursor: CursorQuery(PRODUCT_CURSOR),
});

const problems = { 400: ProblemSchema, 401: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema };
const tags = ['catalog'];
const security = [{ bearer: [] }];
const user = { config: { auth: 'user' as const } };

/** API.md "Catalog", plus SKU edits and a seller's own product list. */
export function registerCatalogRoutes(app: FastifyInstance, catalog: CatalogService): void {
  app.post<{ Body: Static<typeof ProductBody> }>(
    '/api/v1/products',
    { ...user, schema: { tags, security, summary: 'Publish a product with its SKUs', body: ProductBody, response: { 201: ProductSchema, ...problems } } },
    async (request, reply) => reply.code(201).send(await catalog.createProduct(principalOf(request).userId, request.body)),
  );

  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/api/v1/products',
    { schema: { tags, summary: 'Listed products: keyword search ranked by relevance, filters, cursor pages', querystring: ListQuery, response: { 200: ProductPage, 400: ProblemSchema } } },
    async (request) => catalog.listProducts({ ...request.query, limit: request.query.limit ?? 20, listedOnly: true }),
  );

  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/api/v1/me/products',
    { ...user, schema: { tags, security, summary: "The caller's own products, listed and delisted", querystring: ListQuery, response: { 200: ProductPage, ...problems } } },
    async (request) => catalog.listProducts({ ...request.query, sellerId: principalOf(request).userId, limit: request.query.limit ?? 20, listedOnly: false }),
  );

  app.get<{ Params: { id: string } }>(
    '/api/v1/products/:id',
    { schema: { tags, params: strictObject({ id: Id }), response: { 200: ProductSchema, 400: ProblemSchema, 404: ProblemSchema } } },
    async (request) => catalog.getProduct(request.params.id),
  );

  app.patch<{ Params: { id: string }; Body: Static<typeof ProductPatch> }>(
    '/api/v1/products/:id',
    { ...user, schema: { tags, security, summary: 'Edit, list or delist (the seller only)', params: strictObject({ id: Id }), body: ProductPatch, response: { 200: ProductSchema, ...problems } } },
    async (request) => catalog.updateProduct(principalOf(request).userId, request.params.id, request.body),
  );

  app.post<{ Params: { id: string }; Body: { skus: Static<typeof SkuInput>[] } }>(
    '/api/v1/products/:id/skus',
    {
      ...user,
      schema: { tags, security, summary: 'Add SKUs to a product (the seller only)', params: strictObject({ id: Id }), body: strictObject({ skus: Type.Array(SkuInput, { minItems: 1, maxItems: 100 }) }), response: { 201: ProductSchema, ...problems } },
    },
    async (request, reply) => reply.code(201).send(await catalog.addSkus(principalOf(request).userId, request.params.id, request.body.skus)),
  );

  app.patch<{ Params: { skuId: string }; Body: Static<typeof SkuPatch> }>(
    '/api/v1/skus/:skuId',
    { ...user, schema: { tags, security, summary: "Change a SKU's name, attributes or price (the seller only)", params: strictObject({ skuId: Id }), body: SkuPatch, response: { 200: ProductSchema, ...problems } } },
    async (request) => catalog.updateSku(principalOf(request).userId, request.params.skuId, request.body),
  );

  app.post<{ Params: { skuId: string }; Body: Static<typeof StockAdjustment> }>(
    '/api/v1/skus/:skuId/stock-adjustments',
    {
      ...user,
      schema: {
        tags,
        security,
        summary: 'Add or remove stock (the seller only; below zero → 409 insufficient_stock)',
        params: strictObject({ skuId: Id }),
        body: StockAdjustment,
        response: { 200: strictObject({ skuId: Type.String(), stock: Type.Integer() }), ...problems },
      },
    },
    async (request) => catalog.adjustStock(principalOf(request).userId, request.params.skuId, request.body.delta, request.body.reason),
  );
}
